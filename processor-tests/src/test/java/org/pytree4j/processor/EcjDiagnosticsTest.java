package org.pytree4j.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static org.pytree4j.processor.Compilations.source;

import java.nio.file.Path;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One input per diagnostic under Eclipse's compiler (ecj 3.38): each tag on the line javac gives it,
 * though ecj exposes records differently (see docs/design.md, "Eclipse's compiler"). The inputs, each
 * in its own package, are compiled together once: the processor reports on each record on its own.
 */
class EcjDiagnosticsTest {
  private static final JavaFileObject NOT_RECORD = source("test.notrecord.Dense",
      "package test.notrecord;",
      "",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public class Dense {}");

  private static final JavaFileObject FIELD_OUTSIDE_NODE = source("test.fieldoutside.Plain",
      "package test.fieldoutside;",
      "",
      "import org.pytree4j.Field;",
      "",
      "public record Plain(",
      "    String name,",
      "    @Field(pytreeNode = false) String label) {}");

  private static final JavaFileObject NOT_ACCESSIBLE = source("test.notaccessible.Model",
      "package test.notaccessible;",
      "",
      "import org.pytree4j.PyTreeNode;",
      "",
      "public class Model {",
      "  @PyTreeNode",
      "  private record Secret(int x) {}",
      "}");

  private static final JavaFileObject NAME_CLASH = source("test.nameclash.Weird",
      "package test.nameclash;",
      "",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Weird(",
      "    int x,",
      "    int flatten) {}");

  private static final JavaFileObject UNDEFINED = source("test.undefined.Holder",
      "package test.undefined;",
      "",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Holder(",
      "    int count,",
      "    Missing value) {}");

  private static final JavaFileObject WITH_ARGUMENTS = source("test.witharguments.Box",
      "package test.witharguments;",
      "",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Box<T>(T value) implements BoxPyTree.With<String> {}");

  private static final JavaFileObject MISSING_WITH = source("test.missingwith.Dense",
      "package test.missingwith;",
      "",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Dense(",
      "    double w) {}");

  /** ecj leaves a generic superinterface that is not generated yet out of the record's interfaces. */
  private static final JavaFileObject GENERIC_WITH = source("test.genericwith.Pair",
      "package test.genericwith;",
      "",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Pair<A, B extends Number>(A first, B second) implements PairPyTree.With<A, B> {}");

  private static final JavaFileObject STATIC_PARAMS = source("test.staticparams.Dense",
      "package test.staticparams;",
      "",
      "import org.nd4j.linalg.api.ndarray.INDArray;",
      "import org.pytree4j.Field;",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Dense(INDArray kernel,",
      "    @Field(pytreeNode = false) INDArray bias) implements DensePyTree.With {}");

  private static final JavaFileObject TRAIN_STATE = source("test.trainstate.State",
      "package test.trainstate;",
      "",
      "import java.util.Map;",
      "import org.nd4j.linalg.api.ndarray.INDArray;",
      "import org.pytree4j.Field;",
      "import org.pytree4j.PyTreeNode;",
      "import org.pytree4j.optim.OptState;",
      "import org.pytree4j.train.ApplyFn;",
      "",
      "@PyTreeNode",
      "public record State(long step, @Field(pytreeNode = false) ApplyFn<Map<String, INDArray>> applyFn,",
      "    Map<String, INDArray> params, OptState optState) {}");

  private static Ecj.Result result;

  @BeforeAll
  static void compileAll(@TempDir Path dir) {
    result = Ecj.compile(dir, List.of(NOT_RECORD, FIELD_OUTSIDE_NODE, NOT_ACCESSIBLE, NAME_CLASH, UNDEFINED,
        WITH_ARGUMENTS, MISSING_WITH, GENERIC_WITH, STATIC_PARAMS, TRAIN_STATE), new PyTreeProcessor());
  }

  @Test
  void notRecord() {
    assertOnly(result, "test/notrecord/Dense.java", Diagnostic.Kind.ERROR, 6,
        "[PyTreeNotRecord] @PyTreeNode applies to records only, but Dense is a class");
  }

  @Test
  void fieldOutsideNode_foundThoughEcjHandsOverTheConstructorParameter() {
    assertOnly(result, "test/fieldoutside/Plain.java", Diagnostic.Kind.ERROR, 7,
        "[PyTreeFieldOutsideNode] @Field on 'label' has no effect: it applies to components of a @PyTreeNode"
            + " record, and Plain is not one");
  }

  @Test
  void notAccessible_onTheRecordsLine() {
    assertOnly(result, "test/notaccessible/Model.java", Diagnostic.Kind.ERROR, 7,
        "[PyTreeNotAccessible] Secret cannot be a @PyTreeNode: it is private");
  }

  @Test
  void nameClash_onTheComponentsLine() {
    assertOnly(result, "test/nameclash/Weird.java", Diagnostic.Kind.ERROR, 8,
        "[PyTreeNameClash] Component 'flatten' of Weird has the name of a generated method");
  }

  @Test
  void undefined() {
    assertOnly(result, "test/undefined/Holder.java", Diagnostic.Kind.ERROR, 8,
        "[PyTreeUndefined] Component 'value' of Holder has type Missing, which is not defined");
  }

  @Test
  void withArguments_aGenericWithIsCheckedOnceGenerated() {
    assertOnly(result, "test/witharguments/Box.java", Diagnostic.Kind.ERROR, 6,
        "[PyTreeWithArguments] Box must implement its With interface with its own type parameters, in order:"
            + " 'implements BoxPyTree.With<T>'");
  }

  @Test
  void missingWith() {
    assertOnly(result, "test/missingwith/Dense.java", Diagnostic.Kind.WARNING, 6,
        "[PyTreeMissingWith] Dense does not declare 'implements DensePyTree.With'");
    assertWithMessage("%s", result).that(result.errorsAndWarnings().stream()
        .filter(m -> "test/missingwith/Dense.java".equals(m.file())).toList()).hasSize(1);
  }

  @Test
  void genericRecordThatImplementsWithGetsNoMessage() {
    assertWithMessage("%s", result).that(result.messages().stream()
        .filter(m -> "test/genericwith/Pair.java".equals(m.file())
            || "generated/test/genericwith/PairPyTree.java".equals(m.file())).toList()).isEmpty();
    assertWithMessage("%s", result).that(result.generated()).containsKey("test.genericwith.PairPyTree");
  }

  @Test
  void staticParams() {
    assertOnly(result, "test/staticparams/Dense.java", Diagnostic.Kind.WARNING, 9,
        "[PyTreeStaticParams] Static component 'bias' of Dense holds an INDArray");
  }

  @Test
  void trainState_onTheRecordsLine() {
    assertOnly(result, "test/trainstate/State.java", Diagnostic.Kind.ERROR, 11,
        "[PyTreeTrainState] State looks like a train state but has no 'tx' component");
  }

  @Test
  void noCrashAndNothingUnplaced() {
    assertWithMessage("%s", result).that(result.messages().stream()
        .filter(m -> m.text().startsWith("[PyTree") && (m.file() == null || m.line() <= 0)).toList()).isEmpty();
    assertWithMessage("%s", result).that(result.messages().stream()
        .filter(m -> m.text().startsWith("[PyTreeCrash]")).toList()).isEmpty();
  }

  @Test
  void crash_isOneErrorOnTheRecord(@TempDir Path dir) {
    Ecj.Result crashed = Ecj.compile(dir, List.of(source("test.Dense",
            "package test;",
            "",
            "import org.pytree4j.PyTreeNode;",
            "",
            "@PyTreeNode",
            "public record Dense(double w) implements DensePyTree.With {}")),
        new OriginRecordingProcessor(new PyTreeProcessor(), new IllegalStateException("boom")));
    assertOnly(crashed, "test/Dense.java", Diagnostic.Kind.ERROR, 6,
        "[PyTreeCrash] The pytree4j processor failed on Dense");
  }

  /** The expected message is the only pytree4j message about {@code file}, of that kind, on that line. */
  private static void assertOnly(Ecj.Result result, String file, Diagnostic.Kind kind, long line, String text) {
    List<Ecj.Message> ours = result.messages().stream()
        .filter(m -> m.text().startsWith("[PyTree") && file.equals(m.file()))
        .toList();
    assertWithMessage("%s", result).that(ours).hasSize(1);
    Ecj.Message message = ours.get(0);
    assertWithMessage("%s", result).that(message.text()).startsWith(text);
    assertWithMessage("%s", result).that(message.kind()).isEqualTo(kind);
    assertWithMessage("%s", result).that(message.line()).isEqualTo(line);
  }
}
