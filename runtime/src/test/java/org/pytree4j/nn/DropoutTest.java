package org.pytree4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.nn.FiniteDifferences.randn;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.LossWithAux;
import org.pytree4j.random.PRNGKey;
import org.pytree4j.train.Variables;

/**
 * Dropout as Flax's: {@code where(bernoulli(key, keep, x.shape), x / keep, 0)} with the mask drawn from
 * the call's key; its gradients with a fixed key against central finite differences.
 */
class DropoutTest {
  private static final double RATE = 0.4;

  /** params {'w': [3, 5]}; y = dropout(x @ w); loss sum(y * r); aux y. */
  private static LossWithAux<List<INDArray>> loss(org.pytree4j.grad.Graph g, Variables<Map<String, INDArray>, Void> v,
      Map<String, INDArray> b) {
    SDVariable h = g.var(b.get("x")).mmul(g.var(v.params().get("w")));
    SDVariable y = new Dropout(RATE).apply(g, h, false);
    return LossWithAux.of(y.mul(g.var(b.get("r"))).sum(), List.of(g.aux(h), g.aux(y)));
  }

  @Test
  void theMaskIsJaxsBernoulliOfTheCallsKey() {
    Random rng = new Random(1);
    var variables = Variables.of(Map.of("w", randn(rng, 3, 5)));
    Map<String, INDArray> batch = Map.of("x", randn(rng, 6, 3), "r", randn(rng, 6, 5));
    var fn = Grad.valueAndGradWithAux(DropoutTest::loss, variables, batch);
    PRNGKey key = PRNGKey.of(42).foldIn(3);
    var out = fn.apply(variables, batch, key);
    INDArray h = out.aux().get(0);
    INDArray y = out.aux().get(1);
    // the graph's one draw uses split(key, 1)[0]
    INDArray mask = key.split(1)[0].bernoulli(1 - RATE, DataType.DOUBLE, 6, 5);
    double keep = 1 - RATE;
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 5; j++) {
        double expected = mask.getDouble(i, j) == 1 ? h.getDouble(i, j) / keep : 0;
        assertEquals(expected, y.getDouble(i, j), 0.0, "y[" + i + "][" + j + "]");
      }
    }
    double kept = mask.sumNumber().doubleValue();
    assertTrue(kept > 0 && kept < 30, "some kept, some dropped: " + kept);
    INDArray again = fn.apply(variables, batch, key).aux().get(1);
    assertArrayEquals(y.dup('c').reshape(30).toDoubleVector(), again.dup('c').reshape(30).toDoubleVector(), 0.0,
        "the same key, the same mask");
    INDArray other = fn.apply(variables, batch, PRNGKey.of(43)).aux().get(1);
    assertNotEquals(y, other, "another key, another mask");
  }

  @Test
  void gradientsWithAFixedKeyPassFiniteDifferences() {
    Random rng = new Random(2);
    Map<String, INDArray> params = Map.of("w", randn(rng, 3, 5));
    var variables = Variables.of(params);
    Map<String, INDArray> batch = Map.of("x", randn(rng, 6, 3), "r", randn(rng, 6, 5));
    var fn = Grad.valueAndGradWithAux(DropoutTest::loss, variables, batch);
    PRNGKey key = PRNGKey.of(7);
    var grads = fn.apply(variables, batch, key).grads();
    FiniteDifferences.assertGradientsMatch(p -> fn.apply(Variables.of(p), batch, key).loss(), params, grads, 1e-6, 1e-7);
  }

  @Test
  void deterministicOrRateZeroPassesTheInputThrough() {
    Random rng = new Random(3);
    INDArray x = randn(rng, 4, 2);
    Grad.applyFn((g, p, in) -> {
      assertSame(in, new Dropout(0.5).apply(g, in, true));
      assertSame(in, new Dropout(0).apply(g, in, false));
      return in;
    }, Map.of("unused", randn(rng, 1)), x);
  }

  @Test
  void aboutKeepOfTheElementsAreKept() {
    INDArray mask = PRNGKey.of(0).bernoulli(0.9, DataType.FLOAT, 100, 100);
    double kept = mask.sumNumber().doubleValue() / 10_000;
    assertEquals(0.9, kept, 0.01, "kept fraction");   // 3.3 standard deviations
  }

  @Test
  void rateOneDropsEverythingAndBadRatesAreRefused() {
    Random rng = new Random(4);
    var variables = Variables.of(Map.of("w", randn(rng, 3, 5)));
    Map<String, INDArray> batch = Map.of("x", randn(rng, 6, 3));
    var fn = Grad.valueAndGradWithAux((g, v, b) -> {
      SDVariable y = new Dropout(1).apply(g, g.var(b.get("x")).mmul(g.var(v.params().get("w"))), false);
      return LossWithAux.of(y.sum(), List.of(g.aux(y)));
    }, variables, batch);
    assertEquals(0.0, fn.apply(variables, batch).aux().get(0).norm1Number().doubleValue(), 0.0);
    assertEquals("Dropout's rate must be in [0, 1], not 1.5",
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5)).getMessage());
  }
}
