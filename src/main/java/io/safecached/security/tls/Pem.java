package io.safecached.security.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files memcached's {@code ssl_*} options name: certificates, and unencrypted private keys in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}) form. Every problem is an {@link IllegalArgumentException} whose one-line
 * message names the option and the file.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  /** Files larger than this are not certificates or keys. */
  private static final long MAX_FILE_BYTES = 1024 * 1024;
  private static final byte[] RSA_ALGORITHM = {
      0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private Pem() {}

  /** The certificates of {@code file}, in order; at least one. */
  static List<X509Certificate> certificates(String option, Path file) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(option, file)) {
        if (b.type().equals("CERTIFICATE") || b.type().equals("X509 CERTIFICATE")
            || b.type().equals("TRUSTED CERTIFICATE")) {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der(option, file))));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(option + " " + file + ": not a valid certificate (" + oneLine(e) + ")", e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(option + " " + file + ": no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** The one private key of {@code file}. */
  static PrivateKey privateKey(String option, Path file) {
    for (Block b : blocks(option, file)) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return pkcs8(option, file, b.der(option, file));
        case "RSA PRIVATE KEY":
          refuseEncrypted(option, file, b);
          return pkcs8(option, file, sequence(integer0(), RSA_ALGORITHM, octetString(b.der(option, file))));
        case "EC PRIVATE KEY":
          refuseEncrypted(option, file, b);
          byte[] sec1 = b.der(option, file);
          byte[] curve = ecCurve(option, file, sec1);
          return pkcs8(option, file, sequence(integer0(), sequence(EC_PUBLIC_KEY_OID, curve), octetString(sec1)));
        case "ENCRYPTED PRIVATE KEY":
          throw encrypted(option, file);
        default:
          break;
      }
    }
    throw new IllegalArgumentException(option + " " + file
        + ": no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  /** Throws unless {@code key} belongs to {@code certificate} (memcached: SSL_CTX_check_private_key). */
  static void checkKeyMatches(PrivateKey key, X509Certificate certificate, Path keyFile, Path certFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    PublicKey publicKey = certificate.getPublicKey();
    boolean matches;
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException("ssl_key " + keyFile + " is not the key of the certificate in ssl_chain_cert "
          + certFile + " (" + certificate.getSubjectX500Principal().getName() + ")");
    }
  }

  private static PrivateKey pkcs8(String option, Path file, byte[] der) {
    for (String algorithm : List.of("RSA", "EC", "EdDSA", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(option + " " + file
        + ": not an RSA, EC or EdDSA private key this JVM can read");
  }

  private static void refuseEncrypted(String option, Path file, Block b) {
    if (b.body().contains("ENCRYPTED")) {
      throw encrypted(option, file);
    }
  }

  private static IllegalArgumentException encrypted(String option, Path file) {
    return new IllegalArgumentException(option + " " + file + ": the key is encrypted; safecached reads unencrypted "
        + "keys only (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8) and relies on file permissions");
  }

  /** The named-curve OID ([0] parameters) of a SEC1 ECPrivateKey, as a DER OID element. */
  private static byte[] ecCurve(String option, Path file, byte[] sec1) {
    try {
      Der seq = new Der(sec1, 0);
      if (seq.tag != 0x30) {
        throw new IllegalArgumentException("not a SEQUENCE");
      }
      int p = seq.contentStart;
      while (p < seq.end) {
        Der e = new Der(sec1, p);
        if (e.tag == (byte) 0xa0) {
          Der oid = new Der(sec1, e.contentStart);
          if (oid.tag == 0x06) {
            return Arrays.copyOfRange(sec1, e.contentStart, oid.end);
          }
        }
        p = e.end;
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(option + " " + file + ": not a valid EC PRIVATE KEY", e);
    }
    throw new IllegalArgumentException(option + " " + file
        + ": the EC PRIVATE KEY names no curve; convert it with openssl pkcs8 -topk8 -nocrypt");
  }

  private static List<Block> blocks(String option, Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(option + " " + file + ": larger than 1 MiB, not a PEM file");
      }
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(option + " " + file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(option + " " + file + ": cannot read it (permission denied)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + file + ": cannot read it (" + oneLine(e) + ")", e);
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      out.add(new Block(m.group(1), m.group(2)));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(option + " " + file + ": not a PEM file (no -----BEGIN ...----- line)");
    }
    return out;
  }

  static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    m = m.replaceAll("\\s+", " ").trim();
    return m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }

  private static byte[] integer0() {
    return new byte[] {0x02, 0x01, 0x00};
  }

  private static byte[] octetString(byte[] content) {
    return tlv(0x04, content);
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    return tlv(0x30, content.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** One PEM block: its type (the word after BEGIN) and its body, headers included. */
  private record Block(String type, String body) {
    byte[] der(String option, Path file) {
      String base64 = body.replaceAll("(?m)^[A-Za-z-]+:.*$", "").replaceAll("\\s+", "");
      try {
        return Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + " " + file + ": the " + type + " block is not valid base64", e);
      }
    }
  }

  /** One DER element header: tag, where the content starts and where the element ends. */
  private static final class Der {
    final byte tag;
    final int contentStart;
    final int end;

    Der(byte[] b, int at) {
      tag = b[at];
      int len = b[at + 1] & 0xff;
      int p = at + 2;
      if (len >= 0x80) {
        int bytes = len & 0x7f;
        if (bytes == 0 || bytes > 3) {
          throw new IllegalArgumentException("unsupported DER length");
        }
        len = 0;
        for (int i = 0; i < bytes; i++) {
          len = (len << 8) | (b[p++] & 0xff);
        }
      }
      contentStart = p;
      end = p + len;
      if (end > b.length) {
        throw new IllegalArgumentException("truncated DER");
      }
    }
  }
}
