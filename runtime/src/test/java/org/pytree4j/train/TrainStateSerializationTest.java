package org.pytree4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.pytree4j.optim.Arrays32.leafValues;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.scaleByAdam;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.checkpoint.Checkpoints;
import org.pytree4j.optim.Arrays32;
import org.pytree4j.optim.EmptyState;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.ScaleByAdamState;
import org.pytree4j.serialization.Serialization;

/** Real train states with real optimizer states through state dicts, Flax's bytes and checkpoints. */
class TrainStateSerializationTest {
  private static final ApplyFn<Map<String, Object>> APPLY = (p, x) -> x;

  /** {'dense': {'bias': f32[3], 'kernel': f32[2, 3]}}, as make_fixtures.py's params(scale). */
  private static Map<String, Object> params(double scale) {
    return Map.of("dense", Map.of(
        "bias", Arrays32.vec(scale, 2 * scale, 3 * scale),
        "kernel", Arrays32.f32(new double[] {0, scale / 8, 2 * scale / 8, 3 * scale / 8, 4 * scale / 8, 5 * scale / 8}, 2, 3)));
  }

  @Test
  void aFlaxTrainStateOfClipAndScaleByAdamRestoresAndKeepsTraining() throws IOException {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), scaleByAdam());
    TrainState<Map<String, Object>> target = TrainStatePyTree.create(APPLY, params(0), tx);
    TrainState<Map<String, Object>> restored = Serialization.fromBytes(target, fixture("train_state.msgpack"));

    assertEquals(42, restored.step());
    assertEquals(new EmptyState(), restored.optState().get(0));
    ScaleByAdamState adam = restored.optState().get(1, ScaleByAdamState.class);
    assertEquals(42, adam.count());
    assertTreeEquals(params(1), restored.params());
    assertTreeEquals(params(0.5), adam.mu());
    assertTreeEquals(params(0.25), adam.nu());
    assertSame(tx, restored.tx());

    TrainState<Map<String, Object>> next = restored.applyGradients(PyTrees.map((INDArray p) -> p.mul(0.1), restored.params()));
    assertEquals(43, next.step());
    assertEquals(43, next.optState().get(1, ScaleByAdamState.class).count());
  }

  @Test
  void stateDictOfAnInjectedAdamChainHasOptaxLayout() {
    TrainState<Map<String, Object>> state =
        TrainStatePyTree.create(APPLY, params(1), chain(clipByGlobalNorm(1.0), injectHyperparams(adam(1e-3))));
    Map<String, Object> dict = Serialization.toStateDict(state);
    assertEquals(Set.of("step", "params", "opt_state"), dict.keySet());
    Map<?, ?> optState = (Map<?, ?>) dict.get("opt_state");
    assertEquals(Set.of("0", "1"), optState.keySet());
    Map<?, ?> inject = (Map<?, ?>) optState.get("1");
    assertEquals(Set.of("count", "hyperparams", "hyperparams_states", "inner_state"), inject.keySet());
    assertEquals(Set.of("learning_rate", "b1", "b2", "eps", "eps_root"), ((Map<?, ?>) inject.get("hyperparams")).keySet());
    Map<?, ?> inner = (Map<?, ?>) inject.get("inner_state");
    assertEquals(Set.of("0", "1"), inner.keySet(), "optax.adam is chain(scale_by_adam, scale_by_learning_rate)");
    assertEquals(Set.of("count", "mu", "nu"), ((Map<?, ?>) inner.get("0")).keySet());
  }

  @Test
  void checkpointsRoundTripATrainingRun(@TempDir Path dir) throws IOException {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adam(1e-2)));
    TrainState<Map<String, Object>> state = TrainStatePyTree.create(APPLY, params(1), tx);
    for (int i = 0; i < 3; i++) {
      state = state.applyGradients(PyTrees.map((INDArray p) -> p.mul(0.3), state.params()));
      Checkpoints.save(dir, state, state.step());
    }
    TrainState<Map<String, Object>> fresh = TrainStatePyTree.create(APPLY, params(0), tx);
    TrainState<Map<String, Object>> restored = Checkpoints.restoreLatest(dir, fresh).orElseThrow();
    assertEquals(3, restored.step());
    assertTreeEquals(state.params(), restored.params());
    assertTreeEquals(state.optState(), restored.optState());
    TrainState<Map<String, Object>> a = state.applyGradients(PyTrees.map((INDArray p) -> p.mul(0.3), state.params()));
    TrainState<Map<String, Object>> b = restored.applyGradients(PyTrees.map((INDArray p) -> p.mul(0.3), restored.params()));
    assertTreeEquals(a.params(), b.params());
  }

  private static void assertTreeEquals(Object expected, Object actual) {
    assertEquals(PyTrees.structure(expected), PyTrees.structure(actual));
    List<Object> e = PyTrees.leaves(expected);
    List<Object> a = PyTrees.leaves(actual);
    for (int i = 0; i < e.size(); i++) {
      if (e.get(i) instanceof INDArray ea) {
        INDArray aa = (INDArray) a.get(i);
        assertEquals(ea.dataType(), aa.dataType());
        assertArrayEquals(ea.shape(), aa.shape());
        assertArrayEquals(leafValues(ea).get(0), leafValues(aa).get(0), 0.0);
      } else {
        assertEquals(e.get(i), a.get(i));
      }
    }
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = TrainStateSerializationTest.class.getResourceAsStream("/flax-fixtures/" + name)) {
      return in.readAllBytes();
    }
  }
}
