package io.safecached.audit;

/** HTML text and attribute escaping for the self-contained report. */
public final class Html {
  private Html() {}

  /** Escapes {@code & < > " '} so the text is safe in element content and quoted attributes. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            sb.append("&#xfffd;");
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
