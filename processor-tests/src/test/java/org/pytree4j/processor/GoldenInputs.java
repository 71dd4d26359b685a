package org.pytree4j.processor;

import static org.pytree4j.processor.Compilations.source;

import javax.tools.JavaFileObject;

/** The records whose companions are kept as golden files. */
final class GoldenInputs {
  private GoldenInputs() {}

  static final JavaFileObject DENSE = source("test.nn.Dense",
      "package test.nn;",
      "",
      "import org.nd4j.linalg.api.ndarray.INDArray;",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Dense(INDArray kernel, INDArray bias) implements DensePyTree.With {}");

  static final JavaFileObject OUTER = source("test.nn.Outer",
      "package test.nn;",
      "",
      "import java.util.List;",
      "import org.pytree4j.PyTreeNode;",
      "",
      "public final class Outer {",
      "  private Outer() {}",
      "",
      "  @PyTreeNode",
      "  public record Inner(List<Double> values, int count) implements Outer_InnerPyTree.With {}",
      "}");

  static final JavaFileObject MLP = source("test.nn.Mlp",
      "package test.nn;",
      "",
      "import org.pytree4j.Field;",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "public record Mlp(Dense hidden, Dense out, @Field(pytreeNode = false) String activation)",
      "    implements MlpPyTree.With {}");

  static final JavaFileObject BOX = source("test.nn.Box",
      "package test.nn;",
      "",
      "import java.util.Map;",
      "import org.pytree4j.Field;",
      "import org.pytree4j.PyTreeNode;",
      "",
      "@PyTreeNode",
      "record Box<T, N extends Number>(T value, Map<String, N> scales, @Field(pytreeNode = false) N unit)",
      "    implements BoxPyTree.With<T, N> {}");

  /** A copy of the runtime's {@code org.pytree4j.train.TrainState}, compiled in a test package. */
  static final JavaFileObject TRAIN_STATE = source("test.train.TrainState",
      "package test.train;",
      "",
      "import org.pytree4j.Field;",
      "import org.pytree4j.PyTreeNode;",
      "import org.pytree4j.optim.GradientTransformation;",
      "import org.pytree4j.optim.OptState;",
      "import org.pytree4j.train.ApplyFn;",
      "",
      "@PyTreeNode",
      "public record TrainState<P>(",
      "    long step,",
      "    @Field(pytreeNode = false) ApplyFn<P> applyFn,",
      "    P params,",
      "    @Field(pytreeNode = false) GradientTransformation tx,",
      "    OptState optState)",
      "    implements TrainStatePyTree.With<P> {}");

  static final JavaFileObject CUSTOM_TRAIN_STATE = source("test.train.CustomTrainState",
      "package test.train;",
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
      "public record CustomTrainState(",
      "    int step,",
      "    @Field(pytreeNode = false) ApplyFn<Map<String, INDArray>> applyFn,",
      "    Map<String, INDArray> params,",
      "    @Field(pytreeNode = false) GradientTransformation tx,",
      "    OptState optState,",
      "    Map<String, INDArray> batchStats)",
      "    implements CustomTrainStatePyTree.With {}");
}
