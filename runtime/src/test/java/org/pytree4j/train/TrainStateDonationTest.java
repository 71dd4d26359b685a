package org.pytree4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.schedule.Schedules.warmupCosineDecay;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.optim.Arrays32;
import org.pytree4j.optim.GradientTransformation;

/** The generated {@code applyGradientsDonating}: the same states as {@code applyGradients}, and a donated state that cannot be read. */
class TrainStateDonationTest {
  private static final ApplyFn<Map<String, Object>> APPLY = (params, x) -> x;

  private static Map<String, Object> params(Random random) {
    return Map.of(
        "dense", new Dense(Arrays32.random(random, 1, 3, 4), Arrays32.random(random, 1, 4)),
        "head", Map.of("w", Arrays32.random(random, 1, 4, 2)));
  }

  @Test
  void donatingGivesTheSameStatesAsApplyGradients() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adam(warmupCosineDecay(0, 1e-2, 3, 20))));
    Random random = new Random(4);
    TrainState<Map<String, Object>> kept = TrainStatePyTree.create(APPLY, params(random), tx);
    TrainState<Map<String, Object>> donating = TrainStatePyTree.create(APPLY, copy(kept.params()), tx);
    for (int i = 0; i < 6; i++) {
      Map<String, Object> grads = PyTrees.map((INDArray p) -> Arrays32.random(random, 1, p.shape()), kept.params());
      kept = kept.applyGradients(grads);
      TrainState<Map<String, Object>> before = donating;
      donating = donating.applyGradientsDonating(grads);
      assertEquals(kept.step(), donating.step());
      Arrays32.assertSameBits(kept.params(), donating.params(), "params");
      Arrays32.assertSameBits(kept.optState(), donating.optState(), "optState");
      assertSame(before.tx(), donating.tx());
      INDArray donatedKernel = ((Dense) before.params().get("dense")).kernel();
      assertThrows(IllegalStateException.class, () -> donatedKernel.getFloat(0));
      TrainState<Map<String, Object>> stale = before;
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stale.applyGradients(grads));
      assertTrue(e.getMessage().contains("donated"), e.getMessage());
    }
    assertEquals(0.01 * 0.5 * (1 + Math.cos(Math.PI * 2 / 17)),
        donating.optState().findHyperparam("learning_rate"), 1e-6);
  }

  @Test
  void donatingWithChangesSetsTheExtraComponents() {
    Random random = new Random(8);
    Map<String, INDArray> stats = Map.of("mean", Arrays32.vec(0, 0));
    BatchNormTrainState state = BatchNormTrainStatePyTree.create(APPLY, params(random), adam(1e-2), stats);
    Map<String, INDArray> newStats = Map.of("mean", Arrays32.vec(1, 2));
    Map<String, Object> grads = PyTrees.map((INDArray p) -> Arrays32.random(random, 1, p.shape()), state.params());
    BatchNormTrainState expected = state.applyGradients(grads, b -> b.batchStats(newStats));
    BatchNormTrainState next = state.applyGradientsDonating(grads, b -> b.batchStats(newStats));
    assertSame(newStats, next.batchStats());
    assertEquals(1, next.step());
    Arrays32.assertSameBits(expected.params(), next.params(), "params");
    assertEquals(0.0, stats.get("mean").getDouble(0), "extra components are not donated");
  }

  private static Map<String, Object> copy(Map<String, Object> tree) {
    return PyTrees.map((INDArray a) -> a.dup(), tree);
  }
}
