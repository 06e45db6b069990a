package io.safecached;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.safecached.store.StoredValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency rules of shared/ARCHITECTURE.md: packages depend only downward. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.safecached");
  }

  /** Fails with ArchUnit's list of violations when any class breaks {@code rule}. */
  private static void assertHolds(ArchRule rule) {
    rule.allowEmptyShould(true).check(classes);
  }

  @Test
  void noCaffeine() {
    assertHolds(noClasses().should().dependOnClassesThat().resideInAPackage("com.github.benmanes.caffeine.."));
  }

  @Test
  void nettyOnlyInProtocolServerTlsAndProbes() {
    assertHolds(noClasses().that().resideOutsideOfPackages("io.safecached.protocol..", "io.safecached.server..",
            "io.safecached.security.tls..", "io.safecached.audit.probe..", "io.safecached.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.netty.."));
  }

  @Test
  void commandAndStoreNeverSeeTheNetwork() {
    assertHolds(noClasses().that().resideInAnyPackage("io.safecached.command..", "io.safecached.store..")
        .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.safecached.protocol..",
            "io.safecached.server..", "io.safecached.cli..", "io.safecached.audit.."));
  }

  @Test
  void storeDoesNotKnowCommands() {
    assertHolds(noClasses().that().resideInAPackage("io.safecached.store..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.command..", "io.safecached.security.."));
  }

  @Test
  void protocolsDoNotReachUp() {
    assertHolds(noClasses().that().resideInAPackage("io.safecached.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.server..", "io.safecached.cli..",
            "io.safecached.audit.."));
  }

  @Test
  void protocolsNeverImportTheStore() {
    // sizes come from command (ItemSize), so the decoders cannot drift from the one item-size rule; encoders see
    // one store type, the value they write from the store's memory
    assertHolds(noClasses().that().resideInAPackage("io.safecached.protocol..")
        .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.safecached.store..")
            .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(StoredValue.class)))));
  }

  @Test
  void auditStandsAlone() {
    assertHolds(noClasses().that().resideInAPackage("io.safecached.audit..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.server..", "io.safecached.store..",
            "io.safecached.cli.."));
  }

  @Test
  void configDependsOnNothingOfOurs() {
    assertHolds(noClasses().that().resideInAPackage("io.safecached.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.store..", "io.safecached.command..",
            "io.safecached.protocol..", "io.safecached.server..", "io.safecached.cli..", "io.safecached.audit.."));
  }

  @Test
  void embeddedApiStartsTheServerOnly() {
    // the embedded API wraps server and config; it never reaches past SafecachedServer into the layers below
    assertHolds(noClasses().that().resideInAPackage("io.safecached.embed..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.cli..", "io.safecached.audit..",
            "io.safecached.junit..", "io.safecached.protocol..", "io.safecached.command..", "io.safecached.store..",
            "io.safecached.security..", "io.netty.."));
  }

  @Test
  void junitExtensionUsesOnlyTheEmbeddedApi() {
    assertHolds(noClasses().that().resideInAPackage("io.safecached.junit..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.cli..", "io.safecached.audit..",
            "io.safecached.server..", "io.safecached.protocol..", "io.safecached.command..", "io.safecached.store..",
            "io.safecached.security..", "io.safecached.config..", "io.netty.."));
  }

  @Test
  void nothingBelowUsesTheEmbeddedApiOrJunit() {
    // junit-jupiter-api is an optional dependency: only the extension may need it at run time
    assertHolds(noClasses().that().resideOutsideOfPackages("io.safecached.embed..", "io.safecached.junit..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.embed..", "io.safecached.junit.."));
    assertHolds(noClasses().that().resideOutsideOfPackage("io.safecached.junit..")
        .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.opentest4j.."));
  }

  @Test
  void onlyTheCliPrintsOrExits() {
    assertHolds(noClasses().that().resideOutsideOfPackage("io.safecached.cli..")
        .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
        .orShould().callMethod(System.class, "exit", int.class));
  }
}
