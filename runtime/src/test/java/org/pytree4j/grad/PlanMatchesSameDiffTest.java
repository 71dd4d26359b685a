package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.grad.GradAssertions.oneHot;
import static org.pytree4j.grad.GradAssertions.randn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/**
 * The traced gradient plan gives bit for bit the loss and gradients of SameDiff's own
 * {@code calculateGradientsAndOutputs} on the same graph, params and batch, run with the same thread
 * count, call after call (new params,
 * new batches, another batch size), for float32 and float64 and for graphs where the plan replaces
 * SameDiff's backward ops (bias adds, tanh, cross-entropy) and where it keeps them (broadcast products,
 * squares, a param used twice, a param the loss ignores).
 */
class PlanMatchesSameDiffTest {

  @Test
  void tanhMlpWithCrossEntropyFloat32AndFloat64() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Random rng = new Random(40);
      assertPlanMatches(() -> Grad.valueAndGrad(MlpModel.LOSS, MlpModel.params(rng, type), MlpModel.batch(rng, type, 7)),
          step -> MlpModel.params(rng, type), rows -> MlpModel.batch(rng, type, rows), new int[] {7, 7, 3, 7});
    }
  }

  /**
   * float32: the hidden layer's bias add and tanh run as one kernel where the native one loaded (else
   * the add as libnd4j's op and the tanh as the Java kernel), and so do log_softmax and its gradient;
   * float64: all as libnd4j's ops.
   */
  @Test
  void float32TanhRunsAsTheTanhKernelWithItsBiasAddFloat64AsLibnd4jsOpsAndNegAsAKernelInBoth() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Random rng = new Random(40);
      ValueAndGradFn<Mlp, Batch> fn =
          Grad.valueAndGrad(MlpModel.LOSS, MlpModel.params(rng, type), MlpModel.batch(rng, type, 7));
      fn.apply(MlpModel.params(rng, type), MlpModel.batch(rng, type, 7));
      String plan = fn.planFor(7).toString();
      boolean fused = type == DataType.FLOAT && NativeTanh.AVAILABLE;
      assertEquals(fused, plan.contains("tanh (bias add and tanh kernel)") && !plan.contains("add (add)"),
          type + ": " + plan);
      assertEquals(type == DataType.FLOAT && !fused, plan.contains("tanh (tanh kernel)") && plan.contains("add (add)"),
          type + ": " + plan);
      assertEquals(type == DataType.DOUBLE, plan.contains("tanh (tanh)") && plan.contains("add (add)"), type + ": " + plan);
      assertTrue(plan.contains("(neg kernel)") && !plan.contains("(neg)"), type + ": " + plan);
      boolean logSoftmaxKernels = type == DataType.FLOAT && NativeLogSoftmax.AVAILABLE;
      assertEquals(logSoftmaxKernels, plan.contains("(log_softmax kernel)") && plan.contains("(log_softmax_bp kernel)")
          && !plan.contains("(log_softmax)") && !plan.contains("(log_softmax_bp)"), type + ": " + plan);
    }
  }

  @Test
  void reluMlp() {
    Random rng = new Random(41);
    IntFunction<Mlp> params = step -> MlpModel.params(rng, DataType.FLOAT).withActivation("relu");
    assertPlanMatches(() -> Grad.valueAndGrad(MlpModel.LOSS, params.apply(0), MlpModel.batch(rng, DataType.FLOAT, 5)),
        params, rows -> MlpModel.batch(rng, DataType.FLOAT, rows), new int[] {5, 9});
  }

  @Test
  void benchmarkShapedMlpsFloat32() {
    int[][] models = {{2, 32, 2}, {784, 64, 64, 10}};
    for (int[] widths : models) {
      Random rng = new Random(42);
      IntFunction<Map<String, Object>> params = step -> deepMlp(rng, widths);
      IntFunction<Map<String, INDArray>> batch = rows -> Map.of(
          "x", randn(rng, DataType.FLOAT, rows, widths[0]),
          "y", oneHot(rng, DataType.FLOAT, rows, widths[widths.length - 1]));
      assertPlanMatches(() -> Grad.valueAndGrad(PlanMatchesSameDiffTest::deepMlpLoss, params.apply(0), batch.apply(32)),
          params, batch, new int[] {32, 32, 17});
    }
  }

  @Test
  void broadcastProductsSquaresAndAParamUsedTwice() {
    Random rng = new Random(43);
    IntFunction<Tower> params = step -> new Tower(MlpModel.params(rng, DataType.DOUBLE),
        new Head(new Dense(randn(rng, DataType.DOUBLE, MlpModel.CLASSES, 2), randn(rng, DataType.DOUBLE, 2)),
            List.of(randn(rng, DataType.DOUBLE, 2), randn(rng, DataType.DOUBLE, 2))));
    IntFunction<Map<String, INDArray>> batch = rows -> Map.of(
        "x", randn(rng, DataType.DOUBLE, rows, MlpModel.IN), "y", randn(rng, DataType.DOUBLE, rows, 2));
    LossFn<Tower, Map<String, INDArray>> loss = (g, p, b) -> {
      SDVariable z = MlpModel.logits(g, p.trunk(), g.var(b.get("x")));
      SDVariable u = MlpModel.dense(g, p.head().proj(), z);
      SDVariable scale = g.var(p.head().scales().get(0));
      SDVariable out = u.mul(scale).mul(scale).add(g.var(p.head().scales().get(1)));
      return g.sd().math.square(out.sub(g.var(b.get("y")))).mean();
    };
    assertPlanMatches(() -> Grad.valueAndGrad(loss, params.apply(0), batch.apply(4)), params, batch, new int[] {4, 6});
  }

  /**
   * float32 bias adds before a tanh, one written bias first, whose sums are also read by later ops:
   * the fused kernel still writes each sum for them, and the plan gives SameDiff's bits.
   */
  @Test
  void biasAddsBeforeATanhWrittenEitherWayAndReadTwice() {
    Random rng = new Random(46);
    IntFunction<Map<String, INDArray>> params = step -> Map.of(
        "w1", randn(rng, DataType.FLOAT, 3, 5), "b1", randn(rng, DataType.FLOAT, 5),
        "w2", randn(rng, DataType.FLOAT, 5, 4), "b2", randn(rng, DataType.FLOAT, 4));
    IntFunction<Map<String, INDArray>> batch = rows -> Map.of("x", randn(rng, DataType.FLOAT, rows, 3));
    LossFn<Map<String, INDArray>, Map<String, INDArray>> loss = (g, p, b) -> {
      SDVariable z1 = g.var(p.get("b1")).add(g.var(b.get("x")).mmul(g.var(p.get("w1"))));   // bias first
      SDVariable h1 = g.sd().math.tanh(z1);
      SDVariable z2 = h1.mmul(g.var(p.get("w2"))).add(g.var(p.get("b2")));
      SDVariable h2 = g.sd().math.tanh(z2);
      return h2.mul(h2).sum().add(z2.mul(z1.sum(1).reshape(-1, 1)).mean());   // both sums read again
    };
    assertPlanMatches(() -> Grad.valueAndGrad(loss, params.apply(0), batch.apply(5)), params, batch, new int[] {5, 5, 7, 5});
    if (NativeTanh.AVAILABLE) {
      ValueAndGradFn<Map<String, INDArray>, Map<String, INDArray>> fn =
          Grad.valueAndGrad(loss, params.apply(0), batch.apply(5));
      fn.apply(params.apply(0), batch.apply(5));
      String plan = fn.planFor(5).toString();
      assertTrue(plan.contains("(bias add and tanh kernel)"), plan);
    }
  }

  @Test
  void unusedParamAndParamsOnlyLoss() {
    Random rng = new Random(44);
    IntFunction<Map<String, INDArray>> params = step -> Map.of(
        "w", randn(rng, DataType.FLOAT, 3), "unused", randn(rng, DataType.FLOAT, 2, 2));
    assertPlanMatches(() -> Grad.<Map<String, INDArray>, Object>valueAndGrad(
        (g, p, b) -> g.sd().math.cube(g.var(p.get("w"))).sum(), params.apply(0), null), params, rows -> null, new int[] {0, 0});
  }

  @Test
  void graphWithARandomOpRunsOnSameDiffsInterpreter() {
    Random rng = new Random(45);
    Mlp params = MlpModel.params(rng, DataType.DOUBLE);
    Batch batch = MlpModel.batch(rng, DataType.DOUBLE, 6);
    // a random op draws new numbers every call: a plan traced once cannot hold it
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad((g, p, b) -> MlpModel.LOSS.loss(g, p, b)
        .add(g.sd().random().normal(0.0, 1.0, DataType.DOUBLE, 1).mul(0.0).sum()), params, batch);

    LossAndGrads<Mlp> out = fn.apply(params, batch);

    assertEquals(null, fn.planFor(6));
    assertEquals(Reference.mlpLoss(params, batch), out.loss(), 1e-12);
    assertEquals(PyTrees.structure(params), PyTrees.structure(out.grads()));
  }

  /**
   * For 1 and 2 threads: builds the function, calls it on new params and batches of the given sizes, and
   * compares each result with SameDiff's, computed with the same thread count (OpenBLAS's products differ
   * in their last bits between thread counts, in SameDiff as in the plan).
   */
  private static <P, B> void assertPlanMatches(Supplier<ValueAndGradFn<P, B>> build, IntFunction<P> params,
      IntFunction<B> batches, int[] batchSizes) {
    for (int threads = 1; threads <= 2; threads++) {
      String before = System.getProperty(OpThreads.PROPERTY);
      System.setProperty(OpThreads.PROPERTY, Integer.toString(threads));
      try {
        assertPlanMatches(build.get(), params, batches, batchSizes, threads);
      } finally {
        if (before == null) {
          System.clearProperty(OpThreads.PROPERTY);
        } else {
          System.setProperty(OpThreads.PROPERTY, before);
        }
      }
    }
  }

  private static <P, B> void assertPlanMatches(ValueAndGradFn<P, B> fn, IntFunction<P> params, IntFunction<B> batches,
      int[] batchSizes, int threads) {
    for (int step = 0; step < batchSizes.length; step++) {
      P p = step == 0 ? params.apply(step) : params.apply(step);
      B b = batches.apply(batchSizes[step]);
      LossAndGrads<P> planned = fn.apply(p, b);
      assertNotNull(fn.planFor(b == null ? -1 : batchSizes[step]), "the call ran on a plan");

      OutAndGrad reference = sameDiff(fn, b, threads);
      INDArray loss = reference.getOutputs().get(fn.lossName());
      assertEquals(Double.doubleToRawLongBits(loss.getDouble(0)), Double.doubleToRawLongBits(planned.loss()),
          threads + " threads, step " + step + " loss: plan " + planned.loss() + ", SameDiff " + loss.getDouble(0));
      List<LeafWithPath> grads = PyTrees.flattenWithPath(planned.grads()).leaves();
      List<String> mismatches = new ArrayList<>();
      for (LeafWithPath leaf : grads) {
        String name = "params" + leaf.path().keystr();
        INDArray expected = reference.getGradients().get(name);
        INDArray actual = (INDArray) leaf.leaf();
        if (expected == null) {
          assertEquals(0.0, actual.norm1Number().doubleValue(), 0.0, name + ": no gradient in SameDiff, zeros here");
          continue;
        }
        String mismatch = bitsMismatch(expected, actual, threads + " threads, step " + step + " " + name);
        if (mismatch != null) {
          mismatches.add(mismatch);
        }
      }
      assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }
  }

  private static <P, B> OutAndGrad sameDiff(ValueAndGradFn<P, B> fn, B batch, int threads) {
    Map<String, INDArray> feed = new HashMap<>();
    if (batch != null) {
      for (LeafWithPath leaf : PyTrees.flattenWithPath(batch).leaves()) {
        feed.put("batch" + leaf.path().keystr(), (INDArray) leaf.leaf());
      }
    }
    List<String> paramNames = new ArrayList<>();
    for (var v : fn.sameDiff().variables()) {
      if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE && v.name().startsWith("params")) {
        paramNames.add(v.name());
      }
    }
    var environment = Nd4j.getEnvironment();
    var blas = Nd4j.factory().blas();
    int master = environment.maxMasterThreads();
    int blasThreads = blas.getMaxThreads();
    environment.setMaxMasterThreads(threads);
    blas.setMaxThreads(threads);
    try {
      return fn.sameDiff().calculateGradientsAndOutputs(feed, List.of(fn.lossName()), paramNames);
    } finally {
      environment.setMaxMasterThreads(master);
      blas.setMaxThreads(blasThreads);
    }
  }

  /** Null if the arrays are equal bit for bit, else what differs. */
  static String bitsMismatch(INDArray expected, INDArray actual, String what) {
    if (expected.dataType() != actual.dataType() || !java.util.Arrays.equals(expected.shape(), actual.shape())) {
      return what + ": SameDiff " + expected.shapeInfoToString() + ", plan " + actual.shapeInfoToString();
    }
    double[] e = GradAssertions.values(expected);
    double[] a = GradAssertions.values(actual);
    int differing = 0;
    int first = -1;
    for (int i = 0; i < e.length; i++) {
      if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
        differing++;
        first = first < 0 ? i : first;
      }
    }
    return differing == 0 ? null : what + ": " + differing + " of " + e.length + " entries differ, first " + first
        + ": SameDiff " + e[first] + ", plan " + a[first];
  }

  private static Map<String, Object> deepMlp(Random rng, int[] widths) {
    List<Object> layers = new ArrayList<>();
    for (int l = 0; l + 1 < widths.length; l++) {
      layers.add(Map.of("w", randn(rng, DataType.FLOAT, widths[l], widths[l + 1]).muli(1.0 / Math.sqrt(widths[l])),
          "b", randn(rng, DataType.FLOAT, widths[l + 1])));
    }
    return Map.of("layers", layers);
  }

  private static SDVariable deepMlpLoss(Graph g, Map<String, Object> p, Map<String, INDArray> b) {
    List<?> layers = (List<?>) p.get("layers");
    SDVariable h = g.var(b.get("x"));
    for (int i = 0; i < layers.size(); i++) {
      Map<?, ?> layer = (Map<?, ?>) layers.get(i);
      h = h.mmul(g.var((INDArray) layer.get("w"))).add(g.var((INDArray) layer.get("b")));
      if (i < layers.size() - 1) {
        h = g.sd().math.tanh(h);
      }
    }
    return g.var(b.get("y")).mul(g.sd().nn.logSoftmax(h)).sum(1).mean().neg();
  }
}
