package org.pytree4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.pytree4j.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One test per diagnostic: the message (tag and key words), the file and the line. Sources that
 * should fail avoid naming the companion that will not be generated, so that the processor's error
 * is the only one.
 */
class DiagnosticsTest {

  // ---- [PyTreeNotRecord] ----

  @Test
  void notRecord_class() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public class Dense {}");
    assertSingleError(Compilations.compile(source), source, 6,
        "[PyTreeNotRecord] @PyTreeNode applies to records only, but Dense is a class. Declare it as a record");
  }

  @Test
  void notRecord_interface() {
    JavaFileObject source = source("test.Layer",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public interface Layer {}");
    assertSingleError(Compilations.compile(source), source, 6,
        "[PyTreeNotRecord] @PyTreeNode applies to records only, but Layer is an interface");
  }

  @Test
  void notRecord_enum() {
    JavaFileObject source = source("test.Activation",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public enum Activation { RELU, TANH }");
    assertSingleError(Compilations.compile(source), source, 6,
        "[PyTreeNotRecord] @PyTreeNode applies to records only, but Activation is an enum");
  }

  // ---- [PyTreeFieldOutsideNode] ----

  @Test
  void fieldOnComponentOfRecordThatIsNotANode() {
    JavaFileObject source = source("test.Plain",
        "package test;",
        "",
        "import org.pytree4j.Field;",
        "",
        "public record Plain(",
        "    String name,",
        "    @Field(pytreeNode = false) String label) {}");
    assertSingleError(Compilations.compile(source), source, 7,
        "[PyTreeFieldOutsideNode] @Field on 'label' has no effect: it applies to components of a @PyTreeNode"
            + " record, and Plain is not one. Annotate Plain with @PyTreeNode or remove @Field");
  }

  // ---- [PyTreeNotAccessible] ----

  @Test
  void notAccessible_privateRecord() {
    JavaFileObject source = source("test.Model",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "public class Model {",
        "  @PyTreeNode",
        "  private record Secret(int x) {}",
        "}");
    assertSingleError(Compilations.compile(source), source, 7,
        "[PyTreeNotAccessible] Secret cannot be a @PyTreeNode: it is private, so its generated companion"
            + " Model_SecretPyTree cannot see it. Make Secret package-private or public");
  }

  @Test
  void notAccessible_recordNestedInPrivateClass() {
    JavaFileObject source = source("test.Model",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "public class Model {",
        "  private static class Hidden {",
        "    @PyTreeNode",
        "    record Inner(int x) {}",
        "  }",
        "}");
    assertSingleError(Compilations.compile(source), source, 8,
        "[PyTreeNotAccessible] Inner cannot be a @PyTreeNode: it is nested in Hidden, which is private, so its"
            + " generated companion Model_Hidden_InnerPyTree cannot see it. Make Hidden package-private or public");
  }

  @Test
  void notAccessible_localRecord() {
    JavaFileObject source = source("test.Factory",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "public class Factory {",
        "  @PyTreeNode",
        "  record Visible(int x) {}",
        "",
        "  static Object make() {",
        "    @PyTreeNode",
        "    record Local(int x) {}",
        "    return new Local(1);",
        "  }",
        "}");
    assertSingleError(Compilations.compile(source), source, 11,
        "[PyTreeNotAccessible] Local cannot be a @PyTreeNode: it is declared inside a method");
  }

  @Test
  void notAccessible_localRecordInALambdaWithTheQualifiedAnnotation() {
    JavaFileObject source = source("test.Factory",
        "package test;",
        "",
        "import java.util.function.Supplier;",
        "",
        "public class Factory {",
        "  @org.pytree4j.PyTreeNode",
        "  record Visible(int x) {}",
        "",
        "  static final Supplier<Object> MAKE = () -> {",
        "    @org.pytree4j.PyTreeNode",
        "    record InLambda(int x) {}",
        "    return new InLambda(1);",
        "  };",
        "}");
    assertSingleError(Compilations.compile(source), source, 11,
        "[PyTreeNotAccessible] InLambda cannot be a @PyTreeNode: it is declared inside a method");
  }

  @Test
  void localRecordWithAnotherLibrarysPyTreeNodeIsNotOurs() {
    JavaFileObject other = source("other.PyTreeNode",
        "package other;",
        "",
        "public @interface PyTreeNode {}");
    JavaFileObject source = source("test.Factory",
        "package test;",
        "",
        "import other.PyTreeNode;",
        "",
        "public class Factory {",
        "  @org.pytree4j.PyTreeNode",
        "  record Visible(int x) implements Factory_VisiblePyTree.With {}",
        "",
        "  static Object make() {",
        "    @PyTreeNode",
        "    record Local(int x) {}",
        "    return new Local(1);",
        "  }",
        "}");
    assertThat(Compilations.compile(other, source)).succeeded();
  }

  @Test
  void notAccessible_privateComponentType() {
    JavaFileObject source = source("test.Holder",
        "package test;",
        "",
        "import java.util.List;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Holder(",
        "    int count,",
        "    List<Holder.Secret> secrets) {",
        "  private record Secret(int x) {}",
        "}");
    assertSingleError(Compilations.compile(source), source, 9,
        "[PyTreeNotAccessible] Component 'secrets' of Holder has a type that mentions test.Holder.Secret, which"
            + " is private, so the generated companion HolderPyTree cannot name it");
  }

  // ---- [PyTreeNameClash] ----

  @Test
  void nameClash_reservedNames() {
    JavaFileObject source = source("test.Weird",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Weird(",
        "    int replace,",
        "    int flatten) {}");
    Compilation compilation = Compilations.compile(source);
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation)
        .hadErrorContaining("[PyTreeNameClash] Component 'replace' of Weird has the name of a generated method"
            + " (replace() of Weird); rename the component")
        .inFile(source).onLine(7);
    assertThat(compilation)
        .hadErrorContaining("[PyTreeNameClash] Component 'flatten' of Weird has the name of a generated method"
            + " (flatten() of WeirdPyTree); rename the component")
        .inFile(source).onLine(8);
  }

  @Test
  void nameClash_componentNamedLikeAMethodOfObject() {
    JavaFileObject source = source("test.Timer",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Timer(",
        "    long wait) {}");
    // javac would report "illegal record component name" after processing; a companion built from the
    // record would add errors of its own, so none is generated
    assertSingleError(Compilations.compile(source), source, 7,
        "[PyTreeNameClash] Component 'wait' of Timer has the name of a method of Object, which no record"
            + " component may have; rename the component");
  }

  @Test
  void nameClash_componentNamedLikeTheGeneratedBuilder() {
    JavaFileObject source = source("test.Spec",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Spec(",
        "    int size,",
        "    String Builder) {}");
    assertSingleError(Compilations.compile(source), source, 8,
        "[PyTreeNameClash] Component 'Builder' of Spec has the name of the generated type SpecPyTree.Builder, in"
            + " which its method would be named like the type (Eclipse's compiler warns about such methods); rename"
            + " the component");
  }

  @Test
  void nameClash_componentEqualsOfTypeObject() {
    JavaFileObject source = source("test.Pair",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Pair<T>(",
        "    T equals,",
        "    int hash) {}");
    assertSingleError(Compilations.compile(source), source, 7,
        "[PyTreeNameClash] Component 'equals' of Pair has type T, so its builder setter equals(T) would override"
            + " Object.equals; rename the component or give it a narrower type");
  }

  @Test
  void nameClash_componentNamedLikeAnotherComponentsWither() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(",
        "    INDArray kernel,",
        "    INDArray withKernel) {}");
    assertSingleError(Compilations.compile(source), source, 9,
        "[PyTreeNameClash] Component 'withKernel' of Dense has the name of the generated wither of component"
            + " 'kernel'; rename one of them");
  }

  @Test
  void nameClash_twoComponentsWithTheSameWither() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(",
        "    INDArray kernel,",
        "    INDArray Kernel) {}");
    assertSingleError(Compilations.compile(source), source, 9,
        "[PyTreeNameClash] Components 'kernel' and 'Kernel' of Dense would both get the wither withKernel()");
  }

  @Test
  void nameClash_twoChildrenWithTheSameStateDictName() {
    JavaFileObject source = source("test.Stats",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Stats(",
        "    INDArray batchStats,",
        "    INDArray batch_stats) {}");
    assertSingleError(Compilations.compile(source), source, 9,
        "[PyTreeNameClash] Components 'batchStats' and 'batch_stats' of Stats have the same state-dict name"
            + " 'batch_stats'");
  }

  @Test
  void nameClash_companionNameAlreadyTaken() {
    JavaFileObject record = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(INDArray kernel, INDArray bias) {}");
    JavaFileObject taken = source("test.DensePyTree",
        "package test;",
        "",
        "public final class DensePyTree {}");
    assertSingleError(Compilations.compile(record, taken), record, 7,
        "[PyTreeNameClash] Cannot generate test.DensePyTree, the companion of Dense: a type of that name"
            + " already exists");
  }

  // ---- [PyTreeUndefined] and the retry in later rounds ----

  @Test
  void undefined_componentTypeNeverGenerated() {
    JavaFileObject source = source("test.Holder",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Holder(",
        "    int count,",
        "    Missing value) {}");
    Compilation compilation = Compilations.compile(source);
    assertThat(compilation)
        .hadErrorContaining("[PyTreeUndefined] Component 'value' of Holder has type Missing, which is not"
            + " defined: no source declares it and no annotation processor generated it")
        .inFile(source).onLine(8);
    // javac's own "cannot find symbol" for Missing comes too; the processor adds exactly one.
    assertThat(compilation).hadErrorContaining("cannot find symbol").inFile(source).onLine(8);
    assertThat(compilation).hadErrorCount(2);
  }

  // ---- [PyTreeWithArguments] ----

  @Test
  void withArguments_otherThanTheRecordsTypeVariables() {
    JavaFileObject source = source("test.Box",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Box<T>(T value) implements BoxPyTree.With<String> {}");
    Compilation compilation = Compilations.compile(source);
    assertThat(compilation)
        .hadErrorContaining("[PyTreeWithArguments] Box must implement its With interface with its own type"
            + " parameters, in order: 'implements BoxPyTree.With<T>'")
        .inFile(source).onLine(6);
  }

  @Test
  void withArguments_rawWithOnGenericRecord() {
    JavaFileObject source = source("test.Pair",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Pair<A, B>(A first, B second) implements PairPyTree.With {}");
    assertThat(Compilations.compile(source))
        .hadErrorContaining("[PyTreeWithArguments] Pair must implement its With interface with its own type"
            + " parameters, in order: 'implements PairPyTree.With<A, B>'")
        .inFile(source).onLine(6);
  }

  // ---- [PyTreeMissingWith] (a warning) ----

  @Test
  void missingWith_isAWarningWithTheExactClause() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(INDArray kernel, INDArray bias) {}");
    Compilation compilation = Compilations.compile(source);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining("[PyTreeMissingWith] Dense does not declare 'implements DensePyTree.With', so"
            + " withers, replace and toBuilder are not on it (a call such as withKernel(..) does not compile). Add"
            + " the clause, or write @PyTreeNode(withInterface = false) if Dense is meant to go without them")
        .inFile(source).onLine(7);
    assertThat(compilation).generatedSourceFile("test.DensePyTree");
  }

  @Test
  void missingWith_genericTrainStateNamesItsTypeArguments() {
    JavaFileObject source = trainState("TrainState<P>", "long step", "@Field(pytreeNode = false) ApplyFn<P> applyFn",
        "P params", "@Field(pytreeNode = false) GradientTransformation tx", "OptState optState", "");
    Compilation compilation = Compilations.compile(source, PARAMS);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining("[PyTreeMissingWith] TrainState does not declare 'implements TrainStatePyTree.With<P>',"
            + " so withers, replace, toBuilder and applyGradients are not on it (a call such as withStep(..) does"
            + " not compile)")
        .inFile(source).onLine(13);
  }

  @Test
  void missingWith_silencedByWithInterfaceFalse() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode(withInterface = false)",
        "public record Dense(INDArray kernel, INDArray bias) {}");
    Compilation compilation = Compilations.strict().compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.DensePyTree");
  }

  @Test
  void missingWith_failsAWerrorBuild() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(double w) {}");
    Compilation compilation = Compilations.strict().compile(source);
    assertThat(compilation).failed();
    assertThat(compilation).hadWarningContaining("[PyTreeMissingWith]").inFile(source).onLine(6);
  }

  // ---- [PyTreeStaticParams] (a warning) ----

  @Test
  void staticParams_indArray() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.Field;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(",
        "    INDArray kernel,",
        "    @Field(pytreeNode = false) INDArray bias) implements DensePyTree.With {}");
    assertSingleWarning(Compilations.compile(source), source, 10,
        "[PyTreeStaticParams] Static component 'bias' of Dense holds an INDArray"
            + " (org.nd4j.linalg.api.ndarray.INDArray), so it is part of the tree structure, not leaves: the"
            + " optimizer never updates it, and PyTrees.map and checkpoints skip it. Remove"
            + " @Field(pytreeNode = false) to make it a child, or write @Field(pytreeNode = false, frozen = true)"
            + " if it is meant to stay fixed");
  }

  @Test
  void staticParams_arraySaysArraysCompareByIdentity() {
    JavaFileObject source = source("test.Seq",
        "package test;",
        "",
        "import org.pytree4j.Field;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Seq(double w,",
        "    @Field(pytreeNode = false) double[] weights) implements SeqPyTree.With {}");
    assertSingleWarning(Compilations.compile(source), source, 8,
        "[PyTreeStaticParams] Static component 'weights' of Seq holds an array (double[]), so it is part of the"
            + " tree structure, not leaves: the optimizer never updates it, and PyTrees.map and checkpoints skip"
            + " it; and arrays compare by identity, so equal arrays still make different structures.");
  }

  @Test
  void staticParams_pytreeRecordAndContainersOfArrays() {
    JavaFileObject source = source("test.Model",
        "package test;",
        "",
        "import java.util.List;",
        "import java.util.Map;",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.Field;",
        "import org.pytree4j.PyTreeNode;",
        "import test.params.Params;",
        "",
        "@PyTreeNode",
        "public record Model(",
        "    @Field(pytreeNode = false) Params frozenParams,",
        "    @Field(pytreeNode = false) Map<String, List<INDArray>> table,",
        "    @Field(pytreeNode = false) List<String> names) implements ModelPyTree.With {}");
    Compilation compilation = Compilations.compile(source, PARAMS);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(2);
    assertThat(compilation)
        .hadWarningContaining("[PyTreeStaticParams] Static component 'frozenParams' of Model holds a pytree (the"
            + " @PyTreeNode record Params) (test.params.Params)")
        .inFile(source).onLine(12);
    assertThat(compilation)
        .hadWarningContaining("[PyTreeStaticParams] Static component 'table' of Model holds an INDArray"
            + " (java.util.Map<java.lang.String,java.util.List<org.nd4j.linalg.api.ndarray.INDArray>>)")
        .inFile(source).onLine(13);
  }

  @Test
  void staticParams_silencedByFrozen() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.Field;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(INDArray kernel, @Field(pytreeNode = false, frozen = true) INDArray mask,",
        "    @Field(pytreeNode = false, frozen = true) double[] weights) implements DensePyTree.With {}");
    assertThat(Compilations.strict().compile(source)).succeededWithoutWarnings();
  }

  @Test
  void staticParams_frozenOnAChildHasNoEffect() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.Field;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(INDArray kernel,",
        "    @Field(frozen = true) INDArray bias) implements DensePyTree.With {}");
    assertSingleWarning(Compilations.compile(source), source, 9,
        "[PyTreeStaticParams] @Field(frozen = true) on 'bias' of Dense has no effect: it applies to static"
            + " components (pytreeNode = false)");
  }

  // ---- [PyTreeTrainState] ----

  @Test
  void trainState_missingTx() {
    JavaFileObject source = trainState("State", "long step", "@Field(pytreeNode = false) ApplyFn<Params> applyFn",
        "Params params", "OptState optState", "INDArray unused", "");
    assertSingleError(compileTrainState(source), source, 13,
        "[PyTreeTrainState] State looks like a train state but has no 'tx' component. A train state needs step,"
            + " applyFn, params, tx and optState, as Flax's TrainState; add"
            + " '@Field(pytreeNode = false) GradientTransformation tx'");
  }

  @Test
  void trainState_optimizerUnderAnotherNameGetsARenameHint() {
    JavaFileObject source = trainState("State", "long step", "@Field(pytreeNode = false) ApplyFn<Params> applyFn",
        "Params params", "@Field(pytreeNode = false) GradientTransformation optimizer", "OptState optState", "");
    assertSingleError(compileTrainState(source), source, 13,
        "has no 'tx' component. A train state needs step, applyFn, params, tx and optState, as Flax's"
            + " TrainState; add '@Field(pytreeNode = false) GradientTransformation tx' (or rename 'optimizer' to"
            + " 'tx')");
  }

  @Test
  void trainState_txNotStatic() {
    JavaFileObject source = trainState("State", "long step", "@Field(pytreeNode = false) ApplyFn<Params> applyFn",
        "Params params", "GradientTransformation tx", "OptState optState", "");
    assertSingleError(compileTrainState(source), source, 17,
        "[PyTreeTrainState] 'tx' of train state State must be static: annotate it @Field(pytreeNode = false)");
  }

  @Test
  void trainState_applyFnNotStatic() {
    JavaFileObject source = trainState("State", "long step", "ApplyFn<Params> applyFn",
        "Params params", "@Field(pytreeNode = false) GradientTransformation tx", "OptState optState", "");
    assertSingleError(compileTrainState(source), source, 15,
        "[PyTreeTrainState] 'applyFn' of train state State must be static: annotate it"
            + " @Field(pytreeNode = false)");
  }

  @Test
  void trainState_stepNotAnInteger() {
    JavaFileObject source = trainState("State", "double step", "@Field(pytreeNode = false) ApplyFn<Params> applyFn",
        "Params params", "@Field(pytreeNode = false) GradientTransformation tx", "OptState optState", "");
    assertSingleError(compileTrainState(source), source, 14,
        "[PyTreeTrainState] 'step' of train state State must be an integer type (long or int), not double");
  }

  @Test
  void trainState_paramsNotAPytree() {
    JavaFileObject source = trainState("State", "long step", "@Field(pytreeNode = false) ApplyFn<String> applyFn",
        "String params", "@Field(pytreeNode = false) GradientTransformation tx", "OptState optState", "");
    assertSingleError(compileTrainState(source), source, 16,
        "[PyTreeTrainState] 'params' of train state State must be a pytree (a @PyTreeNode record, a Map, a List,"
            + " an INDArray or a type variable), not java.lang.String");
  }

  @Test
  void trainState_optStateOfTheWrongType() {
    JavaFileObject source = trainState("State", "long step", "@Field(pytreeNode = false) ApplyFn<Params> applyFn",
        "Params params", "@Field(pytreeNode = false) GradientTransformation tx",
        "Map<String, INDArray> optState", "");
    assertSingleError(compileTrainState(source), source, 18,
        "[PyTreeTrainState] 'optState' of train state State must be declared as org.pytree4j.optim.OptState"
            + " (what tx.init returns), not java.util.Map<java.lang.String,org.nd4j.linalg.api.ndarray.INDArray>");
  }

  @Test
  void recordsThatOnlyResembleTrainStatesArePlainPytrees() {
    JavaFileObject translation = source("test.Translation",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Translation(double tx, double ty) implements TranslationPyTree.With {}");
    JavaFileObject checkpoint = source("test.Checkpoint",
        "package test;",
        "",
        "import java.util.Map;",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "import org.pytree4j.optim.OptState;",
        "",
        "@PyTreeNode",
        "public record Checkpoint(long step, Map<String, INDArray> params, OptState optState)",
        "    implements CheckpointPyTree.With {}");
    JavaFileObject model = source("test.Model",
        "package test;",
        "",
        "import org.pytree4j.Field;",
        "import org.pytree4j.PyTreeNode;",
        "import org.pytree4j.train.ApplyFn;",
        "import test.params.Params;",
        "",
        "@PyTreeNode",
        "public record Model(@Field(pytreeNode = false) ApplyFn<Params> applyFn, Params params)",
        "    implements ModelPyTree.With {}");
    Compilation compilation = Compilations.strict().compile(translation, checkpoint, model, PARAMS);
    assertThat(compilation).succeededWithoutWarnings();
    // None of them got train-state methods.
    for (String companion : new String[] {"test.TranslationPyTree", "test.CheckpointPyTree", "test.ModelPyTree"}) {
      assertThat(compilation).generatedSourceFile(companion).contentsAsUtf8String().doesNotContain("applyGradients");
    }
  }

  // ---- [PyTreeCrash] ----

  @Test
  void unexpectedExceptionBecomesOneErrorNamingTheRecordAndAskingForABugReport() {
    JavaFileObject source = source("test.Dense",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Dense(INDArray kernel, INDArray bias) {}");
    Compilation compilation = com.google.testing.compile.Compiler.javac()
        .withProcessors(new OriginRecordingProcessor(new PyTreeProcessor(), new IllegalStateException("boom")))
        .compile(source);
    assertSingleError(compilation, source, 7,
        "[PyTreeCrash] The pytree4j processor failed on Dense. This is a bug in pytree4j; please report it with"
            + " this record and the following trace:");
    assertThat(compilation).hadErrorContaining("java.lang.IllegalStateException: boom");
  }

  /** The params record the train-state sources name. */
  private static final JavaFileObject PARAMS = source("test.params.Params",
      "package test.params;",
      "",
      "import org.nd4j.linalg.api.ndarray.INDArray;",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Params(INDArray w) implements ParamsPyTree.With {}");

  private static Compilation compileTrainState(JavaFileObject source) {
    return Compilations.compile(source, PARAMS);
  }

  /**
   * A train-state-like record in {@code test.State} (or {@code test.TrainState}). Lines: the record
   * declaration is line 13, its components lines 14 to 19 in the order given.
   */
  private static JavaFileObject trainState(String declaration, String... components) {
    String name = declaration.contains("<") ? declaration.substring(0, declaration.indexOf('<')) : declaration;
    String[] lines = new String[20];
    lines[0] = "package test;";
    lines[1] = "";
    lines[2] = "import java.util.Map;";
    lines[3] = "import org.nd4j.linalg.api.ndarray.INDArray;";
    lines[4] = "import org.pytree4j.Field;";
    lines[5] = "import org.pytree4j.PyTreeNode;";
    lines[6] = "import org.pytree4j.optim.GradientTransformation;";
    lines[7] = "import org.pytree4j.optim.OptState;";
    lines[8] = "import org.pytree4j.train.ApplyFn;";
    lines[9] = "import test.params.Params;";
    lines[10] = "";
    lines[11] = "@PyTreeNode";
    lines[12] = "public record " + declaration + "(";
    for (int i = 0; i < 6; i++) {
      String component = components[i];
      boolean last = true;
      for (int j = i + 1; j < 6; j++) {
        last &= components[j].isEmpty();
      }
      lines[13 + i] = component.isEmpty() ? "" : "    " + component + (last ? ") {" : ",");
    }
    lines[19] = "}";
    return source("test." + name, lines);
  }

  private static void assertSingleWarning(Compilation compilation, JavaFileObject file, int line, String message) {
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining(message).inFile(file).onLine(line);
    assertThat(compilation).hadWarningCount(1);
  }

  private static void assertSingleError(Compilation compilation, JavaFileObject file, int line, String message) {
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining(message).inFile(file).onLine(line);
    assertThat(compilation).hadErrorCount(1);
  }
}
