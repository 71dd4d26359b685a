package org.pytree4j.parallel;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point one way: the rest of the runtime never needs the parallel package; its transports never need its API. */
class ParallelLayeringTest {
  private static final JavaClasses RUNTIME = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.pytree4j");

  @Test
  void nothingElseInTheRuntimeDependsOnTheParallelPackage() {
    noClasses().that().resideOutsideOfPackage("org.pytree4j.parallel..")
        .should().dependOnClassesThat().resideInAPackage("org.pytree4j.parallel..")
        .check(RUNTIME);
  }

  @Test
  void theParallelPackageUsesOnlyTheJdkNd4jAndThePublicRuntime() {
    classes().that().resideInAPackage("org.pytree4j.parallel..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.nd4j..", "org.pytree4j",
            "org.pytree4j.parallel..", "org.pytree4j.grad", "org.pytree4j.train", "org.pytree4j.checkpoint",
            "org.pytree4j.serialization")
        .check(RUNTIME);
  }

  @Test
  void transportsMoveBytesAndKnowNothingOfTreesOrTraining() {
    noClasses().that().haveSimpleNameEndingWith("Transport").or().haveSimpleName("LocalGroup")
        .or().haveSimpleName("FloatKernels")
        .should().dependOnClassesThat().resideInAnyPackage("org.pytree4j", "org.pytree4j.grad", "org.pytree4j.train",
            "org.pytree4j.checkpoint", "org.pytree4j.serialization")
        .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Tree")
        .orShould().dependOnClassesThat().haveNameMatching(
            "org\\.pytree4j\\.parallel\\.(TransportCollective|DataParallelStep|Replicas|LocalReplicas|TcpRing)(\\$.*)?")
        .check(RUNTIME);
  }
}
