package org.pytree4j.optim;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The optimizer's layers depend one way: the API (transformations, states, {@code Optax}) on the
 * engine, the engine on the kernels. A transformation says what its per-element update is as a
 * kernel op and never touches the engine; the kernels know nothing of the transformations; the
 * engine knows nothing of either's API; and nothing outside {@code optim} reaches inside it.
 */
class LayeringTest {
  private static final String API = "org.pytree4j.optim";
  private static final String ENGINE = "org.pytree4j.optim.engine..";
  private static final String KERNELS = "org.pytree4j.optim.kernels..";
  private static JavaClasses runtime;

  @BeforeAll
  static void importRuntime() {
    runtime = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.pytree4j");
  }

  @Test
  void transformationsAndStatesDoNotTouchTheEngine() {
    noClasses().that().resideInAPackage(API)
        .and().areAssignableTo(GradientTransformation.class).or().areAssignableTo(OptState.class)
        .should().dependOnClassesThat().resideInAPackage(ENGINE)
        .because("a transformation describes its update as kernel ops (ElementwiseOp); the engine runs them")
        .check(runtime);
  }

  @Test
  void onlyTheStepEntryPointsEnterTheEngine() {
    noClasses().that().resideInAPackage(API).and().doNotBelongToAnyOf(StepEngine.class, Steps.class, FusedPart.class)
        .should().dependOnClassesThat().resideInAPackage(ENGINE)
        .because("StepEngine and Steps run steps on the engine, FusedPart turns ops into its plan")
        .check(runtime);
  }

  @Test
  void theKernelsDependOnNothingOfTheLibrary() {
    noClasses().that().resideInAPackage(KERNELS)
        .should().dependOnClassesThat(resideInAPackage("org.pytree4j..").and(resideOutsideOfPackage(KERNELS)))
        .because("the kernels are dispatched on ElementwiseOp, which they own; they import no transformation")
        .check(runtime);
  }

  @Test
  void theEngineDependsOnTheKernelsAndThePytreeCoreOnly() {
    noClasses().that().resideInAPackage(ENGINE)
        .should().dependOnClassesThat().resideInAnyPackage(API, "org.pytree4j.optim.schedule..",
            "org.pytree4j.train..", "org.pytree4j.grad..", "org.pytree4j.serialization..", "org.pytree4j.checkpoint..")
        .check(runtime);
  }

  @Test
  void nothingOutsideTheOptimizerReachesItsInternals() {
    noClasses().that().resideOutsideOfPackages(API, ENGINE, KERNELS)
        .should().dependOnClassesThat().resideInAnyPackage(ENGINE, KERNELS)
        .because("StepEngine is the engine's public face; the module exports neither package")
        .check(runtime);
  }
}
