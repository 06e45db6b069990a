package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/safecached picking a JDK and passing arguments, run on a copy of the script whose JDK directory is a temp
 * directory of fake JDKs (shell scripts that print what they were asked). No real JVM, no jar needed.
 */
class LauncherScriptTest {
  private static final Path SCRIPT = Paths.get("bin", "safecached").toAbsolutePath();

  @TempDir
  Path tmp;
  private Path app;
  private Path jvms;
  private Path jar;

  @BeforeEach
  void copyTheScript() throws IOException {
    app = tmp.resolve("app");
    jvms = tmp.resolve("jvm");
    Files.createDirectories(app.resolve("bin"));
    Files.createDirectories(jvms);
    String script = Files.readString(SCRIPT);
    assertThat(script).contains("readonly JVM_DIR=/usr/lib/jvm\n");
    Path copy = app.resolve("bin/safecached");
    Files.writeString(copy, script.replace("readonly JVM_DIR=/usr/lib/jvm\n", "readonly JVM_DIR=" + jvms + "\n"));
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
    jar = app.resolve("target/safecached.jar");
  }

  private void buildJar() throws IOException {
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "not really a jar");
  }

  /** A fake JDK: bin/java answers -version with {@code version} and otherwise prints its name and arguments. */
  private Path fakeJdk(Path dir, String name, String version, boolean releaseFile) throws IOException {
    Path home = dir.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Path java = home.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\n"
        + "if [ \"$1\" = -version ]; then echo 'openjdk version \"" + version + "\" 2024-01-16' >&2; exit 0; fi\n"
        + "echo " + name + "\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (releaseFile) {
      Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Fake\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
    return home;
  }

  record Result(int exitCode, List<String> out, List<String> err) {}

  private Result run(Path script, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(script.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().remove("JAVA_HOME");
    pb.environment().remove("SAFECACHED_JAVA_OPTS");
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(env);
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("script finished").isTrue();
    } finally {
      p.destroyForcibly();
    }
    return new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
        Files.readAllLines(err, StandardCharsets.UTF_8));
  }

  private Result run(Map<String, String> env, String... args) throws Exception {
    return run(app.resolve("bin/safecached"), env, args);
  }

  @Test
  void theScriptIsExecutable() {
    assertThat(Files.isExecutable(SCRIPT)).isTrue();
  }

  @Test
  void aMissingJarSaysHowToBuildIt() throws Exception {
    fakeJdk(jvms, "jdk-21", "21.0.2", true);
    Result r = run(Map.of(), "version");
    assertThat(r.exitCode()).isEqualTo(69);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).singleElement().asString().startsWith("safecached: " + jar + " is missing")
        .contains("run: mvn -B package -DskipTests");
  }

  @Test
  void theNewestJdkUnderTheJvmDirectoryWinsAndArgumentsPassUnchanged() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-17", "17.0.9", true);
    fakeJdk(jvms, "jdk-21", "21.0.2", false); // no release file: read from java -version
    fakeJdk(jvms, "jdk-11", "11.0.21", true);
    fakeJdk(jvms, "jdk-8", "1.8.0_392", false);
    Result r = run(Map.of(), "serve", "-l", "a b", "-p", "0", "");
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).containsExactly("jdk-21", "[-XX:+ExitOnOutOfMemoryError]", "[-Xmx90m]",
        "[-XX:MaxDirectMemorySize=226m]", "[-XX:+UseSerialGC]", "[-Xmn8m]", "[-XX:-TieredCompilation]",
        "[-XX:TrimNativeHeapInterval=1000]", "[-Dio.netty.leakDetection.level=disabled]",
        "[-Dio.netty.jfr.enabled=false]", "[-jar]",
        "[" + jar + "]", "[serve]", "[-l]", "[a b]", "[-p]", "[0]", "[]");
  }

  @Test
  void java22AndNewerGetNativeAccessForNettyAndOptsComeFirst() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-22", "22.0.2", true);
    Result r = run(Map.of("SAFECACHED_JAVA_OPTS", " -Xmx64m  -Dsafecached.x=1 "), "version");
    assertThat(r.out()).containsExactly("jdk-22", "[--enable-native-access=ALL-UNNAMED]",
        "[-XX:+ExitOnOutOfMemoryError]", "[-Xmx64m]", "[-Dsafecached.x=1]", "[-jar]", "[" + jar + "]", "[version]");
  }

  @Test
  void java24AndNewerAlsoLetNettyUseUnsafe() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-25", "25.0.1", true);
    Result r = run(Map.of("SAFECACHED_JAVA_OPTS", "-Xmx64m"), "version");
    assertThat(r.out()).containsExactly("jdk-25", "[--enable-native-access=ALL-UNNAMED]",
        "[--sun-misc-unsafe-memory-access=allow]", "[-XX:+ExitOnOutOfMemoryError]", "[-Xmx64m]", "[-jar]",
        "[" + jar + "]", "[version]");
  }

  @Test
  void serveGetsAHeapAndDirectMemorySizedForItsMemoryLimitAndItemSize() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-21", "21.0.2", true);
    // items live in -m of direct memory, beside 160 MB and two items for buffers; the heap holds values in
    // flight (half of -m, at most 64 MB and a sixteenth), the index (an eighth) and two items, plus 48 MB
    Map<List<String>, List<String>> sizes = Map.of(
        List.of("serve"), List.of("[-Xmx90m]", "[-XX:MaxDirectMemorySize=226m]"),
        List.of("serve", "-m", "1024"), List.of("[-Xmx306m]", "[-XX:MaxDirectMemorySize=1186m]"),
        List.of("serve", "-m1024m", "-I", "2m"), List.of("[-Xmx308m]", "[-XX:MaxDirectMemorySize=1188m]"),
        List.of("serve", "--memory-limit=256", "--max-item-size=512k"),
        List.of("[-Xmx162m]", "[-XX:MaxDirectMemorySize=418m]"),
        List.of("serve", "-v", "-I=4M", "--memory-limit", "100"),
        List.of("[-Xmx118m]", "[-XX:MaxDirectMemorySize=268m]"));
    for (Map.Entry<List<String>, List<String>> e : sizes.entrySet()) {
      Result r = run(Map.of(), e.getKey().toArray(String[]::new));
      assertThat(r.out()).as(e.getKey().toString()).contains("[-XX:+ExitOnOutOfMemoryError]")
          .containsAll(e.getValue());
      assertThat(r.out().stream().filter(a -> a.startsWith("[-Xmx"))).as(e.getKey().toString()).hasSize(1);
    }
  }

  @Test
  void serveTrimsMallocOnlyOnJdksThatHaveTheFlag() throws Exception {
    buildJar();
    // -XX:TrimNativeHeapInterval came with JDK 22 and was backported to 21.0.1 and 17.0.9; an older JVM refuses
    // to start on a flag it does not know
    Map<String, Boolean> trims = Map.of("17.0.8", false, "17.0.9", true, "17.0.15", true, "19.0.2", false,
        "21", false, "21.0.1", true, "22", true, "25.0.3", true);
    for (Map.Entry<String, Boolean> e : trims.entrySet()) {
      Path home = fakeJdk(tmp, "jdk-" + e.getKey(), e.getKey(), true);
      Result r = run(Map.of("JAVA_HOME", home.toString()), "serve");
      assertThat(r.out()).as(e.getKey()).first().isEqualTo("jdk-" + e.getKey());
      assertThat(r.out().contains("[-XX:TrimNativeHeapInterval=1000]")).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(r.out()).as(e.getKey()).contains("[-XX:-TieredCompilation]", "[-Xmn8m]");
    }
    Result other = run(Map.of(), "version");
    assertThat(other.out()).as("only serve").noneMatch(a -> a.startsWith("[-XX:TrimNative")
        || a.startsWith("[-XX:-Tiered") || a.startsWith("[-Xmn"));
  }

  @Test
  void serveRunsWithoutNettysLeakDetectorUnlessTheOptionsAskForIt() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-25", "25.0.1", true);
    String off = "[-Dio.netty.leakDetection.level=disabled]";
    assertThat(run(Map.of(), "serve").out()).contains(off);
    List<String> asked = run(Map.of("SAFECACHED_JAVA_OPTS", "-Dio.netty.leakDetection.level=simple"), "serve").out();
    assertThat(asked.indexOf("[-Dio.netty.leakDetection.level=simple]")).as("the later property wins")
        .isGreaterThan(asked.indexOf(off));
    assertThat(asked).as("left out when the options set a level").doesNotContain(off);
    assertThat(run(Map.of(), "version").out()).as("only serve").doesNotContain(off);
  }

  @Test
  void serveGivesMallocTwoArenasAndA4MegabyteMmapThresholdUnlessTheEnvironmentSetsThem() throws Exception {
    buildJar();
    Path home = fakeJdk(jvms, "jdk-25", "25.0.1", true);
    // a fake java that prints malloc's settings from its environment ("-" when unset)
    Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n"
        + "if [ \"$1\" = -version ]; then echo 'openjdk version \"25.0.1\"' >&2; exit 0; fi\n"
        + "echo \"arenas=${MALLOC_ARENA_MAX:--} mmap=${MALLOC_MMAP_THRESHOLD_:--}\"\n");
    assertThat(run(Map.of(), "serve").out()).containsExactly("arenas=2 mmap=4194304");
    assertThat(run(Map.of("MALLOC_ARENA_MAX", "4", "MALLOC_MMAP_THRESHOLD_", "131072"), "serve").out())
        .containsExactly("arenas=4 mmap=131072");
    // an empty value is not glibc's default (it took the threshold as 0: 170 MB more RSS at -m 1024); replaced
    assertThat(run(Map.of("MALLOC_MMAP_THRESHOLD_", ""), "serve").out()).containsExactly("arenas=2 mmap=4194304");
    assertThat(run(Map.of(), "version").out()).as("only serve").containsExactly("arenas=- mmap=-");
  }

  @Test
  void compilerYoungGenerationTrimmingAndNettyJfrSetInTheOptionsWin() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-25", "25.0.1", true);
    for (String opts : List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:TrimNativeHeapInterval=0",
        "-Xmn16m", "-XX:NewSize=8m", "-XX:+UseG1GC", "-Dio.netty.jfr.enabled=true")) {
      Result r = run(Map.of("SAFECACHED_JAVA_OPTS", opts), "serve");
      assertThat(r.out()).as(opts).contains("[" + opts + "]");
      boolean tiered = opts.contains("Tiered");
      boolean young = opts.startsWith("-Xmn") || opts.contains("NewSize") || opts.contains("G1");
      assertThat(r.out().contains("[-XX:-TieredCompilation]")).as(opts).isEqualTo(!tiered);
      assertThat(r.out().contains("[-XX:TrimNativeHeapInterval=1000]")).as(opts).isEqualTo(!opts.contains("Trim"));
      assertThat(r.out().contains("[-Xmn8m]")).as(opts).isEqualTo(!young);
      assertThat(r.out().contains("[-Dio.netty.jfr.enabled=false]")).as(opts).isEqualTo(!opts.contains("jfr"));
    }
  }

  @Test
  void aHeapSetInTheOptionsOrAnUnreadableLimitLeavesTheHeapAlone() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-21", "21.0.2", true);
    for (String opts : List.of("-Xmx3g", "-Dx=1 -XX:MaxRAMPercentage=50", "-XX:MaxHeapSize=1g")) {
      Result r = run(Map.of("SAFECACHED_JAVA_OPTS", opts), "serve", "-m", "1024");
      List<String> heaps = r.out().stream().filter(a -> a.startsWith("[-Xmx")).toList();
      assertThat(heaps).as(opts).isEqualTo(opts.equals("-Xmx3g") ? List.of("[-Xmx3g]") : List.of());
    }
    Result bad = run(Map.of(), "serve", "-m", "lots");
    assertThat(bad.out()).as("safecached reports the bad value itself").noneMatch(a -> a.startsWith("[-Xmx"))
        .contains("[-XX:+ExitOnOutOfMemoryError]", "[lots]");
    Result direct = run(Map.of("SAFECACHED_JAVA_OPTS", "-XX:MaxDirectMemorySize=2g"), "serve", "-m", "1024");
    assertThat(direct.out()).contains("[-Xmx306m]", "[-XX:MaxDirectMemorySize=2g]")
        .filteredOn(a -> a.startsWith("[-XX:MaxDirect")).hasSize(1);
    Result audit = run(Map.of(), "audit", "-m", "1024");
    assertThat(audit.out()).noneMatch(a -> a.startsWith("[-Xmx") || a.startsWith("[-XX:MaxDirect"));
  }

  @Test
  void javaHomeWinsWhenItIs17OrNewer() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-25", "25.0.1", true);
    Path home = fakeJdk(tmp, "home-17", "17.0.9", true);
    Result r = run(Map.of("JAVA_HOME", home.toString()), "version");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).first().isEqualTo("home-17");
  }

  @Test
  void anOldOrBrokenJavaHomeIsIgnoredWithOneLine() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-21", "21.0.2", true);
    Path old = fakeJdk(tmp, "home-11", "11.0.21", false);
    Result r = run(Map.of("JAVA_HOME", old.toString()), "version");
    assertThat(r.out()).first().isEqualTo("jdk-21");
    assertThat(r.err()).singleElement().asString().contains("ignoring JAVA_HOME=" + old).contains("Java 11");

    Result missing = run(Map.of("JAVA_HOME", tmp.resolve("nowhere").toString()), "version");
    assertThat(missing.out()).first().isEqualTo("jdk-21");
    assertThat(missing.err()).singleElement().asString().contains("has no bin/java");
  }

  @Test
  void javaOnThePathIsTheLastResort() throws Exception {
    buildJar();
    Path onPath = fakeJdk(tmp, "path-17", "17.0.9", false);
    Result r = run(Map.of("PATH", onPath.resolve("bin") + ":/usr/bin:/bin"), "version");
    assertThat(r.out()).first().isEqualTo("path-17");
  }

  @Test
  void noJava17AnywhereIsOneClearLine() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-11", "11.0.21", true);
    Path onPath = fakeJdk(tmp, "path-11", "11.0.21", false);
    Result r = run(Map.of("PATH", onPath.resolve("bin") + ":/usr/bin:/bin"), "version");
    assertThat(r.exitCode()).isEqualTo(69);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).singleElement().asString().startsWith("safecached: no Java 17 or newer found");
  }

  @Test
  void symlinksToTheScriptAreFollowed() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-21", "21.0.2", true);
    Path links = Files.createDirectories(tmp.resolve("usr/local/bin"));
    Path absolute = Files.createSymbolicLink(links.resolve("safecached"), app.resolve("bin/safecached"));
    Path relative = Files.createSymbolicLink(links.resolve("sc2"), links.relativize(app.resolve("bin/safecached")));
    Path chained = Files.createSymbolicLink(tmp.resolve("sc3"), relative);
    for (Path link : List.of(absolute, relative, chained)) {
      Result r = run(link, new HashMap<>(), "version");
      assertThat(r.exitCode()).as(link.toString()).isZero();
      assertThat(r.out()).as(link.toString()).contains("[" + jar.toRealPath() + "]");
    }
  }

  @Test
  void theTarballsLibJarWinsOverAnyTargetJar() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-21", "21.0.2", true);
    Path lib = Files.createDirectories(app.resolve("lib")).resolve("safecached.jar");
    Files.writeString(lib, "not really a jar either");
    Result r = run(Map.of(), "version");
    assertThat(r.out()).contains("[" + lib + "]").doesNotContain("[" + jar + "]");
  }

  @Test
  void serveReadsMemoryAndItemSizeFromItsConfigFileUnderTheCommandLine() throws Exception {
    buildJar();
    fakeJdk(jvms, "jdk-21", "21.0.2", true);
    Path conf = Files.writeString(tmp.resolve("memcached.conf"),
        "# Debian style\n-d\nlogfile /var/log/memcached.log\n-m 1024   # a comment\n  -I 2m\n");
    Result fromFile = run(Map.of(), "serve", "--config", conf.toString());
    assertThat(fromFile.out()).contains("[-Xmx308m]", "[--config]", "[" + conf + "]");
    Result overridden = run(Map.of(), "serve", "--config=" + conf, "-m", "100");
    assertThat(overridden.out()).contains("[-Xmx114m]");
    Result missing = run(Map.of(), "serve", "--config", tmp.resolve("none.conf").toString());
    assertThat(missing.out()).as("safecached reports the missing file itself").contains("[-Xmx90m]");
  }

  @Test
  void asRootAnUnknownUserIsRefusedAsMemcachedRefusesIt() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "runs only as root");
    buildJar();
    fakeJdk(jvms, "jdk-21", "21.0.2", true);
    Result r = run(Map.of(), "serve", "-u", "no-such-user-here");
    assertThat(r.exitCode()).isEqualTo(67);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).containsExactly("safecached: can't find the user no-such-user-here to switch to");
    assertThat(run(Map.of(), "serve", "-u", "root").out()).first().isEqualTo("jdk-21");
  }

  @Test
  void asRootMinusUFromTheConfigFileSwitchesThroughSetprivBeforeJavaStarts() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "runs only as root");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is not installed");
    buildJar();
    Path home = fakeJdk(jvms, "jdk-21", "21.0.2", true);
    Files.writeString(home.resolve("bin/java"), "#!/bin/sh\nif [ \"$1\" = -version ]; then exit 0; fi\n"
        + "echo \"uid=$(id -u) groups=$(id -G)\"\n");
    for (Path p : List.of(tmp, app, app.resolve("bin"), app.resolve("target"), jar)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path conf = Files.writeString(tmp.resolve("memcached.conf"), "-u nobody\n");
    Result r = run(Map.of(), "serve", "--config", conf.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).containsExactly("uid=65534 groups=65534");
    assertThat(run(Map.of(), "serve", "--config", conf.toString(), "-u", "root").out()).containsExactly(
        "uid=0 groups=0");
  }
}
