package org.pytree4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.multiSteps;
import static org.pytree4j.optim.Optax.partition;
import static org.pytree4j.optim.Optax.setToZero;
import static org.pytree4j.optim.Optax.sgd;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.optim.Arrays32;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.Labels;
import org.pytree4j.optim.MultiSteps;
import org.pytree4j.optim.MultiStepsState;
import org.pytree4j.optim.Optax;
import org.pytree4j.optim.PartitionState;

/**
 * The wrappers in train states: layers frozen with {@code partition} and {@code setToZero} in a
 * custom train state, two optimizers in one train state, gradient accumulation with
 * {@code MultiSteps}; {@code applyGradients} and {@code applyGradientsDonating} agree with
 * {@code tx.update} and {@code applyUpdates}.
 */
class TrainStateWrappersTest {
  private static final ApplyFn<Map<String, Object>> APPLY = (params, x) -> x;

  private static Map<String, Object> params(Random random) {
    return Map.of(
        "backbone", new Dense(Arrays32.random(random, 1, 3, 4), Arrays32.random(random, 1, 4)),
        "head", new Dense(Arrays32.random(random, 1, 4, 2), Arrays32.random(random, 1, 2)));
  }

  /** Flax's transfer-learning recipe: the backbone frozen, the head trained, batch statistics carried. */
  @Test
  void freezingTheBackboneOfACustomTrainState() {
    Random random = new Random(1);
    GradientTransformation tx = partition(Map.of("trainable", adamw(1e-2), "frozen", setToZero()),
        Labels.byPath(path -> path.keystr().startsWith("['backbone']") ? "frozen" : "trainable"));
    Map<String, Object> params = params(random);
    BatchNormTrainState state = BatchNormTrainStatePyTree.create(APPLY, params, tx,
        Map.of("mean", Arrays32.vec(0, 0, 0, 0)));
    for (int i = 0; i < 4; i++) {
      Map<String, Object> grads = Arrays32.randomLike(random, state.params());
      INDArray stats = Arrays32.vec(i, i, i, i);
      BatchNormTrainState next = state.applyGradients(grads, b -> b.batchStats(Map.of("mean", stats)));
      Map<String, Object> expected = Optax.applyUpdates(state.params(),
          tx.update(grads, state.optState(), state.params()).updates());
      Arrays32.assertSameBits(expected, next.params(), "step " + i);
      assertSame(stats, next.batchStats().get("mean"));
      state = next;
    }
    Arrays32.assertSameBits(params.get("backbone"), state.params().get("backbone"), "the backbone is frozen");
    assertNotEquals(Arrays32.values(((Dense) params.get("head")).kernel())[0],
        Arrays32.values(((Dense) state.params().get("head")).kernel())[0], "the head trains");
    assertEquals(4, state.step());
    PartitionState s = (PartitionState) state.optState();
    assertEquals(List.of("frozen", "trainable"), List.copyOf(s.innerStates().keySet()));
  }

  /** Two optimizers in one train state (Flax's answer to "two optimizers": one tx that partitions). */
  @Test
  void twoOptimizersInOneTrainState() {
    Random random = new Random(2);
    Map<String, Object> params = params(random);
    GradientTransformation tx = partition(
        Map.of("backbone", sgd(1e-2, 0.9), "head", chain(clipByGlobalNorm(1.0), adam(1e-3))),
        Labels.of(Map.of("backbone", "backbone", "head", "head")));
    TrainState<Map<String, Object>> state = TrainStatePyTree.create(APPLY, params, tx);
    TrainState<Map<String, Object>> donating = TrainStatePyTree.create(APPLY, copy(params), tx);
    GradientTransformation backboneOnly = sgd(1e-2, 0.9);
    var backboneState = backboneOnly.init(params.get("backbone"));
    Object backbone = params.get("backbone");
    for (int i = 0; i < 3; i++) {
      Map<String, Object> grads = Arrays32.randomLike(random, params);
      state = state.applyGradients(grads);
      donating = donating.applyGradientsDonating(grads);
      var r = backboneOnly.update(grads.get("backbone"), backboneState, backbone);
      backbone = Optax.applyUpdates(backbone, r.updates());
      backboneState = r.state();
      Arrays32.assertSameBits(backbone, state.params().get("backbone"), "the backbone follows sgd, step " + i);
      Arrays32.assertSameBits(state.params(), donating.params(), "donated, step " + i);
      Arrays32.assertSameBits(state.optState(), donating.optState(), "donated state, step " + i);
    }
  }

  /** Gradient accumulation in a train state: params change every k-th applyGradients, donated or not. */
  @Test
  void gradientAccumulationInATrainState() {
    Random random = new Random(3);
    Map<String, Object> params = params(random);
    MultiSteps tx = multiSteps(chain(clipByGlobalNorm(1.0), adam(1e-2)), 3);
    TrainState<Map<String, Object>> state = TrainStatePyTree.create(APPLY, params, tx);
    TrainState<Map<String, Object>> donating = TrainStatePyTree.create(APPLY, copy(params), tx);
    for (int i = 0; i < 7; i++) {
      Map<String, Object> grads = Arrays32.randomLike(random, params);
      TrainState<Map<String, Object>> before = state;
      state = state.applyGradients(grads);
      donating = donating.applyGradientsDonating(grads);
      Arrays32.assertSameBits(state.params(), donating.params(), "donated, step " + i);
      Arrays32.assertSameBits(state.optState(), donating.optState(), "donated state, step " + i);
      boolean updated = tx.hasUpdated(state.optState());
      assertEquals(i % 3 == 2, updated, "step " + i);
      if (!updated) {
        assertSame(PyTrees.leaves(before.params()).get(0), PyTrees.leaves(state.params()).get(0),
            "a mini-step hands back the params it was given");
      }
      assertEquals(i + 1, state.step(), "the train state counts mini-steps, as Flax's does");
    }
    assertEquals(2, ((MultiStepsState) state.optState()).gradientStep());
    assertFalse(tx.hasUpdated(tx.init(params)));
    assertTrue(state.step() > ((MultiStepsState) state.optState()).gradientStep());
  }

  private static Map<String, Object> copy(Map<String, Object> tree) {
    return PyTrees.map((Object x) -> x instanceof INDArray a ? a.dup() : x, tree);
  }
}
