package org.pytree4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.pytree4j.nn.FiniteDifferences.randn;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.grad.AuxValueAndGradFn;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.LossWithAux;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.Variables;

/**
 * BatchNorm against Flax's formulas ({@code flax/linen/normalization.py}: {@code _compute_stats} with
 * {@code use_fast_variance}, {@code _normalize}, the running averages of {@code BatchNorm.__call__}),
 * computed here in float64 from the defaults Flax declares, {@code momentum=0.99} and {@code epsilon=1e-5};
 * and its gradients against central finite differences.
 */
class BatchNormTest {
  private static final int ROWS = 7;
  private static final int FEATURES = 4;
  private static final double FLAX_MOMENTUM = 0.99;
  private static final double FLAX_EPSILON = 1e-5;

  /** params: {'bn': BatchNormParams}, stats: {'bn': BatchNormStats}; batch: {'x', 'r'}, loss sum(y * r). */
  private static LossWithAux<Map<String, Object>> loss(org.pytree4j.grad.Graph g,
      Variables<Map<String, BatchNormParams>, Map<String, BatchNormStats>> v, Map<String, INDArray> b) {
    SDVariable y = BatchNorm.defaults().apply(g, v.params().get("bn"), v.batchStats().get("bn"), g.var(b.get("x")), true);
    SDVariable loss = y.mul(g.var(b.get("r"))).sum();
    return LossWithAux.of(loss, Map.of("y", g.aux(y), "stats", g.updated(v.batchStats())));
  }

  @Test
  void flaxDefaults() {
    assertEquals(new BatchNorm(FLAX_MOMENTUM, FLAX_EPSILON), BatchNorm.defaults());
  }

  @Test
  void trainingNormalizesWithTheBatchStatisticsAndUpdatesTheRunningAverages() {
    Random rng = new Random(1);
    var variables = variables(rng);
    Map<String, INDArray> batch = Map.of("x", randn(rng, ROWS, FEATURES).muli(2).addi(0.5), "r", randn(rng, ROWS, FEATURES));
    AuxValueAndGradFn<Map<String, BatchNormParams>, Map<String, BatchNormStats>, Map<String, INDArray>,
        Map<String, Object>> fn = Grad.valueAndGradWithAux(BatchNormTest::loss, variables, batch);
    var out = fn.apply(variables, batch);

    double[][] x = batch.get("x").toDoubleMatrix();
    BatchNormParams p = variables.params().get("bn");
    BatchNormStats s = variables.batchStats().get("bn");
    double[] mean = new double[FEATURES];
    double[] var = new double[FEATURES];
    for (int f = 0; f < FEATURES; f++) {
      double sum = 0;
      double sumSq = 0;
      for (double[] row : x) {
        sum += row[f];
        sumSq += row[f] * row[f];
      }
      mean[f] = sum / ROWS;
      var[f] = Math.max(0, sumSq / ROWS - mean[f] * mean[f]);   // Flax's fast variance
    }
    INDArray y = (INDArray) out.aux().get("y");
    for (int i = 0; i < ROWS; i++) {
      for (int f = 0; f < FEATURES; f++) {
        double expected = (x[i][f] - mean[f]) * (1 / Math.sqrt(var[f] + FLAX_EPSILON) * p.scale().getDouble(f))
            + p.bias().getDouble(f);
        assertEquals(expected, y.getDouble(i, f), 1e-12, "y[" + i + "][" + f + "]");
      }
    }
    BatchNormStats updated = (BatchNormStats) ((Map<?, ?>) out.aux().get("stats")).get("bn");
    for (int f = 0; f < FEATURES; f++) {
      assertEquals(FLAX_MOMENTUM * s.mean().getDouble(f) + (1 - FLAX_MOMENTUM) * mean[f], updated.mean().getDouble(f),
          1e-14, "running mean " + f);
      assertEquals(FLAX_MOMENTUM * s.var().getDouble(f) + (1 - FLAX_MOMENTUM) * var[f], updated.var().getDouble(f),
          1e-14, "running var " + f);
    }
  }

  @Test
  void evaluationNormalizesWithTheRunningStatistics() {
    Random rng = new Random(2);
    var variables = variables(rng);
    INDArray x = randn(rng, ROWS, FEATURES);
    ApplyFn<Variables<Map<String, BatchNormParams>, Map<String, BatchNormStats>>> eval = Grad.applyFn(
        (g, v, in) -> new BatchNorm(0.9, 1e-3).apply(g, v.params().get("bn"), v.batchStats().get("bn"), in, false),
        variables, x);
    INDArray y = eval.apply(variables, x);
    BatchNormParams p = variables.params().get("bn");
    BatchNormStats s = variables.batchStats().get("bn");
    for (int i = 0; i < ROWS; i++) {
      for (int f = 0; f < FEATURES; f++) {
        double expected = (x.getDouble(i, f) - s.mean().getDouble(f))
            * (1 / Math.sqrt(s.var().getDouble(f) + 1e-3) * p.scale().getDouble(f)) + p.bias().getDouble(f);
        assertEquals(expected, y.getDouble(i, f), 1e-12);
      }
    }
  }

  /** The gradient flows through the batch's mean and variance, as JAX differentiates it. */
  @Test
  void gradientsPassFiniteDifferences() {
    Random rng = new Random(3);
    var variables = variables(rng);
    Map<String, INDArray> batch = Map.of("x", randn(rng, ROWS, FEATURES), "r", randn(rng, ROWS, FEATURES));
    var fn = Grad.valueAndGradWithAux(BatchNormTest::loss, variables, batch);
    var grads = fn.apply(variables, batch).grads();
    FiniteDifferences.assertGradientsMatch(
        p -> fn.apply(new Variables<>(p, variables.batchStats()), batch).loss(), variables.params(), grads, 1e-6, 1e-6);
  }

  /** A dense layer before the BatchNorm: the gradient of its kernel goes through the batch statistics. */
  @Test
  void gradientsThroughTheStatisticsPassFiniteDifferences() {
    Random rng = new Random(4);
    Map<String, Object> params = Map.of("kernel", randn(rng, 3, FEATURES), "bn",
        new BatchNormParams(randn(rng, FEATURES).muli(0.2).addi(1), randn(rng, FEATURES)));
    var variables = new Variables<>(params, Map.of("bn", BatchNorm.initStats(FEATURES, DataType.DOUBLE)));
    Map<String, INDArray> batch = Map.of("x", randn(rng, ROWS, 3), "r", randn(rng, ROWS, FEATURES));
    var fn = Grad.valueAndGradWithAux((g, v, b) -> {
      SDVariable h = g.var(b.get("x")).mmul(g.var((INDArray) v.params().get("kernel")));
      SDVariable y = BatchNorm.defaults().apply(g, (BatchNormParams) v.params().get("bn"), v.batchStats().get("bn"), h,
          true);
      return LossWithAux.of(g.sd().math.tanh(y).mul(g.var(b.get("r"))).sum(), g.updated(v.batchStats()));
    }, variables, batch);
    var grads = fn.apply(variables, batch).grads();
    FiniteDifferences.assertGradientsMatch(
        p -> fn.apply(new Variables<>(p, variables.batchStats()), batch).loss(), params, grads, 1e-6, 1e-6);
  }

  @Test
  void badSettingsAreRefused() {
    assertEquals("BatchNorm's momentum must be in [0, 1], not 1.5",
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(1.5, 1e-5)).getMessage());
    assertEquals("BatchNorm's epsilon must be non-negative, not -1.0",
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(0.9, -1)).getMessage());
  }

  @Test
  void initialVariablesAreFlaxs() {
    BatchNormParams p = BatchNorm.initParams(3, DataType.FLOAT);
    BatchNormStats s = BatchNorm.initStats(3, DataType.FLOAT);
    assertEquals(3.0, p.scale().sumNumber().doubleValue());
    assertEquals(0.0, p.bias().sumNumber().doubleValue());
    assertEquals(0.0, s.mean().sumNumber().doubleValue());
    assertEquals(3.0, s.var().sumNumber().doubleValue());
  }

  private static Variables<Map<String, BatchNormParams>, Map<String, BatchNormStats>> variables(Random rng) {
    BatchNormParams p = new BatchNormParams(randn(rng, FEATURES).muli(0.3).addi(1), randn(rng, FEATURES));
    BatchNormStats s = new BatchNormStats(randn(rng, FEATURES).muli(0.1), randn(rng, FEATURES).muli(0.1).addi(1));
    return new Variables<>(Map.of("bn", p), Map.of("bn", s));
  }
}
