package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.security.CommandKind;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command type declares its kind once, on the type; the kinds of representative commands. */
class CommandKindTest {
  private static byte[] k(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Every permitted subtype of the sealed hierarchy, however deeply nested. */
  private static List<Class<?>> permitted(Class<?> sealed) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      if (c.isSealed()) {
        out.addAll(permitted(c));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /** A type declares its kind by one of the kind interfaces, or by a kind() of its own; never by both. */
  @Test
  void everyCommandTypeDeclaresItsKind() throws Exception {
    List<Class<?>> kindInterfaces = List.of(Command.Read.class, Command.Write.class, Command.Admin.class,
        Command.Session.class, Command.Login.class);
    List<Class<?>> types = permitted(Command.class);
    assertThat(types).hasSizeGreaterThanOrEqualTo(25).allMatch(Class::isRecord);
    for (Class<?> type : types) {
      Method kind = type.getMethod("kind");
      long interfaces = kindInterfaces.stream().filter(i -> i.isAssignableFrom(type)).count();
      boolean own = kind.getDeclaringClass() == type;
      assertThat(own ? interfaces == 0 : interfaces == 1 && kindInterfaces.contains(kind.getDeclaringClass()))
          .as(type.getSimpleName() + " declares exactly one kind").isTrue();
      assertThat(Modifier.isAbstract(kind.getModifiers())).isFalse();
    }
  }

  @Test
  void everyCommandTypeAnswersAKindForDefaultComponents() throws Exception {
    for (Class<?> type : permitted(Command.class)) {
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] parameterTypes = new Class<?>[components.length];
      Object[] args = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        Class<?> t = components[i].getType();
        parameterTypes[i] = t;
        args[i] = t == boolean.class ? false : t == int.class ? 0 : t == long.class ? 0L
            : t == byte[].class ? new byte[0] : t == List.class ? List.of() : t == StoreMode.class ? StoreMode.SET
            : t == Command.class ? new Command.Version() : null;
      }
      Command c = (Command) type.getDeclaredConstructor(parameterTypes).newInstance(args);
      assertThat(c.kind()).as(type.getSimpleName()).isNotNull();
    }
  }

  @Test
  void readsWritesAndAdminCommandsAreToldApart() {
    assertThat(new Command.Get(List.of(k("a")), false, null).kind()).isEqualTo(CommandKind.READ);
    assertThat(new Command.Get(List.of(k("a")), true, 10L).kind()).as("gat touches").isEqualTo(CommandKind.WRITE);
    assertThat(new Command.Store(StoreMode.SET, k("a"), 0, 0, k("v"), 0, false).kind())
        .isEqualTo(CommandKind.WRITE);
    assertThat(new Command.StoreTooLarge(StoreMode.SET, k("a"), false).kind())
        .as("a failed set removes the old item").isEqualTo(CommandKind.WRITE);
    assertThat(new Command.Delete(k("a"), false).kind()).isEqualTo(CommandKind.WRITE);
    assertThat(new Command.Touch(k("a"), 1, false).kind()).isEqualTo(CommandKind.WRITE);
    assertThat(new Command.Version().kind()).isEqualTo(CommandKind.READ);
    assertThat(new Command.Quit().kind()).isEqualTo(CommandKind.SESSION);
    assertThat(new Command.MetaNoop().kind()).isEqualTo(CommandKind.READ);
    assertThat(new Command.MetaDebug(k("a")).kind()).isEqualTo(CommandKind.READ);
    assertThat(new Command.SaslAuth("PLAIN", new byte[0]).kind()).isEqualTo(CommandKind.LOGIN);
    for (Command admin : List.of(new Command.FlushAll(0, false), new Command.Shutdown(false),
        new Command.CacheMemlimit(64, false), new Command.Verbosity(1, false), new Command.RefreshCerts(false),
        new Command.Stats("reset"), new Command.Stats("conns"), new Command.Stats("detail", List.of("on")))) {
      assertThat(admin.kind()).as(admin.toString()).isEqualTo(CommandKind.ADMIN);
    }
    for (String group : new String[] {null, "settings", "items", "slabs", "sizes", "RESET", "DETAIL", "cachedump"}) {
      assertThat(new Command.Stats(group).kind()).as("stats " + group + " (groups are case-sensitive)")
          .isEqualTo(CommandKind.READ);
    }
  }

  @Test
  void mgIsAReadUnlessItTouchesCreatesOrRecaches() {
    assertThat(Command.MetaGet.value(k("a"), false).kind()).isEqualTo(CommandKind.READ);
    assertThat(new Command.MetaGet(k("a"), true, 0, 0, 30L, null, null, false, false).kind())
        .as("T touches").isEqualTo(CommandKind.WRITE);
    assertThat(new Command.MetaGet(k("a"), true, 0, 0, null, 30L, null, false, false).kind())
        .as("N creates").isEqualTo(CommandKind.WRITE);
    assertThat(new Command.MetaGet(k("a"), true, 0, 0, null, null, 30L, false, false).kind())
        .as("R marks for recache").isEqualTo(CommandKind.WRITE);
    assertThat(new Command.MetaDelete(k("a"), 0, 0, false, null, false, false).kind()).isEqualTo(CommandKind.WRITE);
  }

  @Test
  void aFramedCommandIsWhatItCarries() {
    Command.MetaSet quietSet = new Command.MetaSet(k("a"), StoreMode.SET, k("v"), 0, 0, 0, 0, false, null, false,
        true);
    Command framed = new Command.Framed(quietSet, "frame");
    assertThat(framed.kind()).isEqualTo(CommandKind.WRITE);
    assertThat(framed.quiet()).isTrue();
    assertThat(framed.quietHides()).isEqualTo(Result.MetaCode.HD);
    Command quietGet = new Command.Framed(Command.MetaGet.value(k("a"), true), "frame");
    assertThat(quietGet.quiet()).isTrue();
    assertThat(quietGet.quietHides()).as("quiet mg hides the miss").isEqualTo(Result.MetaCode.EN);
    assertThat(new Command.Framed(new Command.FlushAll(0, false), "frame").kind()).isEqualTo(CommandKind.ADMIN);
    assertThat(new Command.Delete(k("a"), true).quiet()).as("noreply is not meta quiet mode").isFalse();
  }
}
