package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.multiSteps;
import static org.pytree4j.optim.Optax.scale;
import static org.pytree4j.optim.Optax.sgd;
import static org.pytree4j.optim.Optax.skipLargeUpdates;
import static org.pytree4j.optim.Optax.skipNotFinite;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.serialization.Serialization;

/**
 * {@code MultiSteps}: the accumulated mean (or sum) reaches the inner optimizer every k mini-steps,
 * the other mini-steps return zeros and keep the inner state, the state has Optax's layout, skipped
 * mini-steps leave everything as it was, and bad input is named by key path.
 */
class MultiStepsTest {
  private final Random random = new Random(11);

  private Map<String, Object> params() {
    return Map.of("dense", new Dense(Arrays32.random(random, 1, 2, 3), Arrays32.random(random, 1, 3)),
        "scale", Arrays32.scalar(0.25));
  }

  /** The state is Optax's MultiStepsState, field for field. */
  @Test
  void theStateIsOptaxsMultiStepsState() {
    Map<String, Object> params = params();
    MultiSteps tx = multiSteps(adam(1e-3), 4);
    MultiStepsState state = tx.init(params);
    assertEquals(0, state.miniStep());
    assertEquals(0, state.gradientStep());
    assertEquals(adam(1e-3).init(params), state.innerOptState());
    assertEquals(PyTrees.structure(params), PyTrees.structure(state.accGrads()));
    assertEquals(List.of(), state.skipState(), "Optax's () without a skip function");
    Map<String, Object> dict = Serialization.toStateDict(state);
    assertEquals(List.of("mini_step", "gradient_step", "inner_opt_state", "acc_grads", "skip_state"),
        List.copyOf(dict.keySet()));
    assertEquals(Map.of(), dict.get("skip_state"), "() is {} in Flax's state dict");
    assertFalse(tx.hasUpdated(state));
  }

  /** Optax's test_multi_steps_computes_mean: grads 1, 2, 3, 4 through scale(1.0) give 2.5 at the fourth. */
  @Test
  void theFourthMiniStepPassesTheMean() {
    Map<String, Object> params = Map.of("a", Arrays32.scalar(0));
    MultiSteps tx = multiSteps(scale(1.0), 4);
    OptState state = tx.init(params);
    for (int i = 1; i <= 3; i++) {
      UpdateResult r = tx.update(Map.of("a", Arrays32.scalar(i)), state, params);
      state = r.state();
      assertFalse(tx.hasUpdated(state));
      assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(((INDArray) ((Map<?, ?>) r.updates()).get("a")).getFloat(0)));
      assertEquals(i, ((MultiStepsState) state).miniStep());
    }
    UpdateResult r = tx.update(Map.of("a", Arrays32.scalar(4)), state, params);
    assertTrue(tx.hasUpdated(r.state()));
    assertEquals(2.5f, ((INDArray) ((Map<?, ?>) r.updates()).get("a")).getFloat(0), 0.0f);
    MultiStepsState s = (MultiStepsState) r.state();
    assertEquals(0, s.miniStep());
    assertEquals(1, s.gradientStep());
    assertEquals(0, Float.floatToIntBits(((INDArray) ((Map<?, ?>) s.accGrads()).get("a")).getFloat(0)), "+0.0 again");
  }

  @Test
  void useGradMeanFalseSums() {
    Map<String, Object> params = Map.of("a", Arrays32.scalar(0));
    MultiSteps tx = multiSteps(scale(1.0), 4).useGradMean(false);
    OptState state = tx.init(params);
    UpdateResult r = null;
    for (int i = 1; i <= 4; i++) {
      r = tx.update(Map.of("a", Arrays32.scalar(i)), state, params);
      state = r.state();
    }
    assertEquals(10f, ((INDArray) ((Map<?, ?>) r.updates()).get("a")).getFloat(0), 0.0f);
  }

  /** Optax's test_multi_steps_every_k_schedule: one mini-step per update for two updates, then three. */
  @Test
  void aScheduleOfK() {
    Map<String, Object> params = Map.of("a", Arrays32.scalar(0));
    MultiSteps tx = multiSteps(sgd(1e-4), step -> step < 2 ? 1 : 3);
    OptState state = tx.init(params);
    Map<String, Object> grad = Map.of("a", Arrays32.scalar(0));
    for (int i = 0; i < 2; i++) {
      state = tx.update(grad, state, params).state();
      assertTrue(tx.hasUpdated(state));
    }
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 2; j++) {
        state = tx.update(grad, state, params).state();
        assertFalse(tx.hasUpdated(state));
      }
      state = tx.update(grad, state, params).state();
      assertTrue(tx.hasUpdated(state));
    }
    assertEquals(7, ((MultiStepsState) state).gradientStep());
  }

  /** Optax's test_multi_steps_skip_not_finite: Inf and NaN mini-steps are skipped, as if they never happened. */
  @Test
  void skipNotFiniteSkipsAsIfTheMiniStepNeverHappened() {
    Map<String, Object> params = Map.of("a", Arrays32.scalar(0));
    MultiSteps tx = multiSteps(sgd(1.0), 2).shouldSkipUpdate(skipNotFinite());
    MultiStepsState state = tx.init(params);
    assertEquals(Map.of("num_not_finite", 0, "should_skip", false), state.skipState());
    Map<String, Object> p = params;
    for (int i = 0; i < 2; i++) {
      UpdateResult r = tx.update(Map.of("a", Arrays32.scalar(1)), state, p);
      p = applyUpdates(p, r.updates());
      state = (MultiStepsState) r.state();
    }
    assertEquals(-1f, ((INDArray) p.get("a")).getFloat(0), 0f);
    for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NaN}) {
      MultiStepsState before = state;
      UpdateResult r = tx.update(Map.of("a", Arrays32.scalar(bad)), state, p);
      state = (MultiStepsState) r.state();
      assertEquals(0, state.miniStep(), "no increase in mini_step");
      assertSame(before.accGrads(), state.accGrads());
      assertSame(before.innerOptState(), state.innerOptState());
      assertEquals(Map.of("num_not_finite", 1, "should_skip", true), state.skipState());
      Map<String, Object> next = applyUpdates(p, r.updates());
      Arrays32.assertSameBits(p, next, "a skipped mini-step leaves the params");
    }
    for (int i = 0; i < 2; i++) {
      UpdateResult r = tx.update(Map.of("a", Arrays32.scalar(1)), state, p);
      p = applyUpdates(p, r.updates());
      state = (MultiStepsState) r.state();
    }
    assertEquals(-2f, ((INDArray) p.get("a")).getFloat(0), 0f);
  }

  /** Optax's test_skip_not_finite and test_skip_large_updates, function by function. */
  @Test
  void theSkipFunctionsDecideAsOptaxs() {
    List<Object> finite = List.of(Arrays32.scalar(11), Arrays32.scalar(0));
    List<Object> inf = List.of(Arrays32.scalar(Double.POSITIVE_INFINITY), Arrays32.scalar(0));
    List<Object> nan = List.of(Arrays32.scalar(Double.NaN), Arrays32.scalar(0));
    ShouldSkipUpdate notFinite = skipNotFinite();
    assertEquals(new ShouldSkipUpdate.Decision(true, Map.of("num_not_finite", 1, "should_skip", true)),
        notFinite.decide(inf, 0, null));
    assertEquals(new ShouldSkipUpdate.Decision(true, Map.of("num_not_finite", 1, "should_skip", true)),
        notFinite.decide(nan, 0, null));
    assertEquals(new ShouldSkipUpdate.Decision(false, Map.of("num_not_finite", 0, "should_skip", false)),
        notFinite.decide(finite, 0, null));
    ShouldSkipUpdate large = skipLargeUpdates(100);
    assertEquals(new ShouldSkipUpdate.Decision(true, Map.of("norm_squared", 121f, "should_skip", true)),
        large.decide(finite, 0, null));
    assertEquals(Float.POSITIVE_INFINITY, ((Map<?, ?>) large.decide(inf, 0, null).skipState()).get("norm_squared"));
    assertTrue(large.decide(nan, 0, null).skip(), "a NaN norm skips");
    assertFalse(large.decide(List.of(Arrays32.scalar(0), Arrays32.scalar(0)), 0, null).skip());
  }

  /** Bad input names the key path, in the updates and in the state; nothing is computed first. */
  @Test
  void badInputIsNamed() {
    Map<String, Object> params = params();
    MultiSteps tx = multiSteps(chain(clipByGlobalNorm(1.0), adam(1e-3)), 2);
    MultiStepsState state = tx.init(params);
    Map<String, Object> wrongShape = Map.of("dense", new Dense(Arrays32.random(random, 1, 3, 2),
        Arrays32.random(random, 1, 3)), "scale", Arrays32.scalar(0.25));
    OptimizerInputException e = assertThrows(OptimizerInputException.class,
        () -> tx.update(wrongShape, state, params));
    assertEquals("['dense'].kernel", e.path().keystr());
    assertEquals(".accGrads['dense'].kernel", e.statePath().keystr());
    MultiStepsState brokenInner = state.withInnerOptState(sgd(0.1).init(params));
    OptimizerInputException inner = assertThrows(OptimizerInputException.class,
        () -> tx.update(params, brokenInner, params));
    assertEquals(".innerOptState[1]", inner.statePath().keystr(), inner.getMessage());
    IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
        () -> multiSteps(adam(1e-3), step -> 0).update(params, state, params));
    assertEquals("every_k_schedule(0) of MultiSteps is 0; a gradient step needs at least 1 mini-step", k.getMessage());
    assertThrows(IllegalArgumentException.class, () -> multiSteps(adam(1e-3), 0));
    assertInstanceOf(IllegalArgumentException.class,
        assertThrows(IllegalArgumentException.class, () -> tx.hasUpdated(new EmptyState())));
  }

  /** accumulator_dtype: float32 by default whatever the params; null keeps the params' dtype. */
  @Test
  void theAccumulatorDtype() {
    Map<String, Object> params = Map.of("a", Arrays32.full(1, DataType.BFLOAT16, 3));
    MultiStepsState f32 = multiSteps(sgd(0.1), 2).init(params);
    assertEquals(DataType.FLOAT, ((INDArray) ((Map<?, ?>) f32.accGrads()).get("a")).dataType());
    MultiStepsState own = multiSteps(sgd(0.1), 2).accumulatorDtype(null).init(params);
    assertEquals(DataType.BFLOAT16, ((INDArray) ((Map<?, ?>) own.accGrads()).get("a")).dataType());
    MultiSteps tx = multiSteps(sgd(0.1), 2);
    Map<String, Object> grads = Map.of("a", Arrays32.full(0.5, DataType.BFLOAT16, 3));
    UpdateResult mid = tx.update(grads, f32, params);
    assertEquals(DataType.FLOAT, ((INDArray) ((Map<?, ?>) ((MultiStepsState) mid.state()).accGrads()).get("a")).dataType());
    UpdateResult last = tx.update(grads, mid.state(), params);
    INDArray u = (INDArray) ((Map<?, ?>) last.updates()).get("a");
    assertEquals(DataType.BFLOAT16, u.dataType(), "the optimizer sees the mean cast to the updates' dtype");
    assertEquals(-0.05, u.getDouble(0), 1e-3);
  }
}
