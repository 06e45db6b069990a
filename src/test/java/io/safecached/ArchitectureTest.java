package io.safecached;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

  @Test
  void caffeineOnlyInStore() {
    noClasses().that().resideOutsideOfPackages("io.safecached.store..")
        .should().dependOnClassesThat().resideInAPackage("com.github.benmanes.caffeine..")
        .allowEmptyShould(true).check(classes);
  }

  @Test
  void nettyOnlyInProtocolServerTlsAndProbes() {
    noClasses().that().resideOutsideOfPackages("io.safecached.protocol..", "io.safecached.server..",
            "io.safecached.security.tls..", "io.safecached.audit.probe..", "io.safecached.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.netty..")
        .allowEmptyShould(true).check(classes);
  }

  @Test
  void commandAndStoreNeverSeeTheNetwork() {
    noClasses().that().resideInAnyPackage("io.safecached.command..", "io.safecached.store..")
        .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.safecached.protocol..",
            "io.safecached.server..", "io.safecached.cli..", "io.safecached.audit..")
        .allowEmptyShould(true).check(classes);
  }

  @Test
  void storeDoesNotKnowCommands() {
    noClasses().that().resideInAPackage("io.safecached.store..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.command..", "io.safecached.security..")
        .allowEmptyShould(true).check(classes);
  }

  @Test
  void protocolsDoNotReachUp() {
    noClasses().that().resideInAPackage("io.safecached.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.server..", "io.safecached.cli..",
            "io.safecached.audit..")
        .allowEmptyShould(true).check(classes);
  }

  @Test
  void auditStandsAlone() {
    noClasses().that().resideInAPackage("io.safecached.audit..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.server..", "io.safecached.store..",
            "io.safecached.cli..")
        .allowEmptyShould(true).check(classes);
  }

  @Test
  void configDependsOnNothingOfOurs() {
    noClasses().that().resideInAPackage("io.safecached.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.safecached.store..", "io.safecached.command..",
            "io.safecached.protocol..", "io.safecached.server..", "io.safecached.cli..", "io.safecached.audit..")
        .allowEmptyShould(true).check(classes);
  }

  @Test
  void onlyTheCliPrintsOrExits() {
    noClasses().that().resideOutsideOfPackage("io.safecached.cli..")
        .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
        .orShould().callMethod(System.class, "exit", int.class)
        .allowEmptyShould(true).check(classes);
  }
}
