package org.pytree4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.pytree4j.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Records whose names or shapes could trip the generator: user types with the simple names of the
 * companion's nested types, a record named like one, varargs and arrays, a second constructor of the
 * same arity, the default package. Each must compile under {@code -Xlint:all -Werror}.
 */
class EdgeCaseRecordsTest {

  @Test
  void userTypesNamedLikeTheCompanionsNestedTypes() {
    Compilation compilation = Compilations.strict().compile(
        source("test.Node", "package test;", "public final class Node {}"),
        source("test.Builder", "package test;", "public final class Builder {}"),
        source("test.With", "package test;", "public interface With {}"),
        source("test.Graph",
            "package test;",
            "",
            "import org.pytree4j.PyTreeNode;",
            "",
            "@PyTreeNode",
            "public record Graph(Node root, Builder spec, With mixin) implements GraphPyTree.With {}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void recordNamedNodeThatRefersToItself() {
    Compilation compilation = Compilations.strict().compile(source("test.Node",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Node(INDArray value, Node next) implements NodePyTree.With {}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void varargsArraysAndPrimitives() {
    Compilation compilation = Compilations.strict().compile(source("test.Seq",
        "package test;",
        "",
        "import org.nd4j.linalg.api.ndarray.INDArray;",
        "import org.pytree4j.Field;",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Seq(boolean flag, char c, @Field(pytreeNode = false, frozen = true) double[] weights,",
        "    INDArray... items)",
        "    implements SeqPyTree.With {}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void secondConstructorOfTheSameArityDoesNotMakeCallsAmbiguous() {
    Compilation compilation = Compilations.strict().compile(source("test.Scaled",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Scaled(Object value, Number scale) implements ScaledPyTree.With {",
        "  public Scaled(String value, Integer scale) {",
        "    this((Object) value.trim(), (Number) scale);",
        "  }",
        "}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void recordInTheDefaultPackage() {
    JavaFileObject top = source("Top",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Top(int x) implements TopPyTree.With {}");
    Compilation compilation = Compilations.strict().compile(top);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("TopPyTree");
  }

  @Test
  void componentsNamedLikeGeneratedParametersAndLocals() {
    Compilation compilation = Compilations.strict().compile(
        source("test.params.Params",
            "package test.params;",
            "",
            "import org.pytree4j.PyTreeNode;",
            "",
            "@PyTreeNode",
            "public record Params(double w) implements ParamsPyTree.With {}"),
        source("test.State",
            "package test;",
            "",
            "import org.pytree4j.Field;",
            "import org.pytree4j.PyTreeNode;",
            "import org.pytree4j.optim.GradientTransformation;",
            "import org.pytree4j.optim.OptState;",
            "import org.pytree4j.train.ApplyFn;",
            "import test.params.Params;",
            "",
            "@PyTreeNode",
            "public record State(long step, @Field(pytreeNode = false) ApplyFn<Params> applyFn, Params params,",
            "    @Field(pytreeNode = false) GradientTransformation tx, OptState optState,",
            "    Object grads, Object changes, Object applied, Object edits, Object node, Object children,",
            "    Object statics, Object tree, Object leaves, Object treeDef)",
            "    implements StatePyTree.With {}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void typeAnnotatedStepIsStillALong() {
    Compilation compilation = Compilations.strict().compile(
        source("test.NonNegative",
            "package test;",
            "",
            "import java.lang.annotation.ElementType;",
            "import java.lang.annotation.Target;",
            "",
            "@Target(ElementType.TYPE_USE)",
            "public @interface NonNegative {}"),
        source("test.State",
            "package test;",
            "",
            "import java.util.Map;",
            "import org.nd4j.linalg.api.ndarray.INDArray;",
            "import org.pytree4j.Field;",
            "import org.pytree4j.PyTreeNode;",
            "import org.pytree4j.optim.GradientTransformation;",
            "import org.pytree4j.optim.OptState;",
            "import org.pytree4j.train.ApplyFn;",
            "",
            "@PyTreeNode",
            "public record State(@NonNegative long step,",
            "    @Field(pytreeNode = false) ApplyFn<Map<String, INDArray>> applyFn, Map<String, INDArray> params,",
            "    @Field(pytreeNode = false) GradientTransformation tx, OptState optState)",
            "    implements StatePyTree.With {}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.StatePyTree").contentsAsUtf8String()
        .contains("return new State(0L, applyFn, params, tx, TrainStates.init(tx, params));");
  }

  @Test
  void componentsNamedLikeRestrictedIdentifiers() {
    Compilation compilation = Compilations.strict().compile(source("test.Keywords",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Keywords(int yield, int record, int var, int sealed, int permits, int module, int open)",
        "    implements KeywordsPyTree.With {}"));
    assertThat(compilation).succeededWithoutWarnings();
    // yield() cannot be called unqualified (JLS 3.9)
    assertThat(compilation).generatedSourceFile("test.KeywordsPyTree").contentsAsUtf8String()
        .contains("return new Keywords(yield, record(), var(), sealed(), permits(), module(), open());");
    assertThat(compilation).generatedSourceFile("test.KeywordsPyTree").contentsAsUtf8String()
        .contains("return new Keywords(this.yield(), record, var(), sealed(), permits(), module(), open());");
  }

  @Test
  void componentNamedEqualsOfANarrowerTypeThanObject() {
    Compilation compilation = Compilations.strict().compile(source("test.Check",
        "package test;",
        "",
        "import org.pytree4j.PyTreeNode;",
        "",
        "@PyTreeNode",
        "public record Check<N extends Number>(boolean equals, N same) implements CheckPyTree.With<N> {}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void deprecatedRecordAccessorsConstructorAndComponentTypes() {
    Compilation compilation = Compilations.strict().compile(
        source("test.Old",
            "package test;",
            "",
            "@Deprecated",
            "public final class Old {}"),
        source("test.Gone",
            "package test;",
            "",
            "@Deprecated(forRemoval = true)",
            "public final class Gone {}"),
        source("test.Legacy",
            "package test;",
            "",
            "import org.pytree4j.PyTreeNode;",
            "",
            "@Deprecated",
            "@PyTreeNode",
            "public record Legacy(int x) implements LegacyPyTree.With {}"),
        source("test.Accessors",
            "package test;",
            "",
            "import java.util.List;",
            "import org.pytree4j.PyTreeNode;",
            "",
            "@PyTreeNode",
            "@SuppressWarnings({\"deprecation\", \"removal\"})",
            "public record Accessors(int x, List<Old> olds, Gone gone) implements AccessorsPyTree.With {",
            "  @Deprecated(forRemoval = true)",
            "  public Accessors {}",
            "",
            "  @Deprecated",
            "  @Override",
            "  public int x() {",
            "    return x;",
            "  }",
            "}"),
        source("test.Plain",
            "package test;",
            "",
            "import org.pytree4j.PyTreeNode;",
            "",
            "@PyTreeNode",
            "public record Plain(int x) implements PlainPyTree.With {}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.LegacyPyTree").contentsAsUtf8String()
        .contains("@SuppressWarnings(\"deprecation\")\npublic final class LegacyPyTree");
    assertThat(compilation).generatedSourceFile("test.AccessorsPyTree").contentsAsUtf8String()
        .contains("@SuppressWarnings({\"deprecation\", \"removal\"})\npublic final class AccessorsPyTree");
    // nothing deprecated, nothing suppressed (ecj warns about an unnecessary suppression)
    assertThat(compilation).generatedSourceFile("test.PlainPyTree").contentsAsUtf8String()
        .doesNotContain("SuppressWarnings");
  }

  @Test
  void typeAnnotationsAndAnnotatedAccessors() {
    Compilation compilation = Compilations.compiler(new ClaimingProcessor("test.Marker"))
        .withOptions((Object[]) Compilations.STRICT)
        .compile(
            source("test.Nullable",
                "package test;",
                "",
                "import java.lang.annotation.ElementType;",
                "import java.lang.annotation.Target;",
                "",
                "@Target(ElementType.TYPE_USE)",
                "public @interface Nullable {}"),
            source("test.Marker",
                "package test;",
                "",
                "import java.lang.annotation.ElementType;",
                "import java.lang.annotation.Retention;",
                "import java.lang.annotation.RetentionPolicy;",
                "import java.lang.annotation.Target;",
                "",
                "@Retention(RetentionPolicy.RUNTIME)",
                "@Target({ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})",
                "public @interface Marker {}"),
            source("test.Annotated",
                "package test;",
                "",
                "import java.util.List;",
                "import java.util.Map;",
                "import org.pytree4j.PyTreeNode;",
                "",
                "@PyTreeNode",
                "public record Annotated<T extends Comparable<? super T>>(",
                "    @Nullable String name,",
                "    String @Nullable [] tags,",
                "    Map.@Nullable Entry<String, @Nullable T> entry,",
                "    @Marker List<? extends @Nullable Number> values,",
                "    @Nullable Integer... rest) implements AnnotatedPyTree.With<T> {",
                "  @Marker",
                "  @Override",
                "  public @Nullable String name() {",
                "    return name;",
                "  }",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void recordsNamedLikeJavaLangTypes() {
    Compilation compilation = Compilations.strict().compile(
        source("test.Override", "package test;", "",
            "import org.pytree4j.PyTreeNode;", "",
            "@PyTreeNode",
            "public record Override(int x) implements OverridePyTree.With {}"),
        source("test.String", "package test;", "",
            "import org.pytree4j.PyTreeNode;", "",
            "@PyTreeNode",
            "public record String(int x, java.lang.String text, Object other) implements StringPyTree.With {}"),
        source("test.Object", "package test;", "",
            "import org.pytree4j.PyTreeNode;", "",
            "@PyTreeNode",
            "public record Object(String inner, java.lang.Object any) implements ObjectPyTree.With {}"));
    assertThat(compilation).succeededWithoutWarnings();
  }
}
