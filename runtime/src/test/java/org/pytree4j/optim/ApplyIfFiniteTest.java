package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.applyIfFinite;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.sgd;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.serialization.Serialization;

/**
 * {@code apply_if_finite}: Optax's counting, a skipped step that leaves params and inner state
 * bit-identical (unfused, fused and donated), Optax's state layout, bad input named by key path.
 */
class ApplyIfFiniteTest {
  private final Random random = new Random(3);

  @Test
  void theStateIsOptaxsApplyIfFiniteState() {
    ApplyIfFiniteState state = applyIfFinite(adam(1e-3), 2).init(Arrays32.vec(1, 2));
    assertEquals(new ApplyIfFiniteState(0, true, 0, adam(1e-3).init(Arrays32.vec(1, 2))), state);
    assertEquals(List.of("notfinite_count", "last_finite", "total_notfinite", "inner_state"),
        List.copyOf(Serialization.toStateDict(state).keySet()));
  }

  /** Optax's test_apply_if_finite with sgd(1.) and sgd(1., momentum=0.), max_consecutive_errors=2. */
  @Test
  void optaxsSequenceOfAcceptedAndRejectedUpdates() {
    for (GradientTransformation inner : List.of(sgd(1.0), sgd(1.0, 0.0))) {
      GradientTransformation tx = applyIfFinite(inner, 2);
      INDArray params = Arrays32.scalar(0);
      OptState state = tx.init(params);
      // fn(p, x) = p * x, so the gradient is x
      double[] xs = {1, Double.NaN, Double.NaN, 1, Double.NaN, Double.NaN, Double.NaN};
      double[] expected = {-1, -1, -1, -2, -2, -2, Double.NaN};
      int[] notfinite = {0, 1, 2, 0, 1, 2, 3};
      for (int i = 0; i < xs.length; i++) {
        UpdateResult r = tx.update(Arrays32.scalar(xs[i]), state, params);
        params = applyUpdates(params, r.updates());
        state = r.state();
        ApplyIfFiniteState s = (ApplyIfFiniteState) state;
        assertEquals(expected[i], params.getDouble(0), 0.0, inner + " step " + i);
        assertEquals(!Double.isNaN(xs[i]), s.lastFinite(), "last_finite " + i);
        assertEquals(notfinite[i], s.notfiniteCount(), "notfinite_count " + i);
      }
      assertEquals(5, ((ApplyIfFiniteState) state).totalNotfinite());
    }
  }

  /** A skipped step leaves the params (-0.0 included) and the inner state bit for bit, fused or not. */
  @Test
  void aSkippedStepLeavesParamsAndInnerStateBitIdentical() {
    GradientTransformation tx = applyIfFinite(chain(clipByGlobalNorm(1.0), adam(1e-2)), 3);
    Map<String, Object> params = Map.of("w", Arrays32.vec(-0.0, 0.0, 1.25, -3.5), "b", Arrays32.vec(0.5));
    OptState state = tx.init(params);
    OptimizerStep<Map<String, Object>> first = Optax.step(tx, params, state, Arrays32.randomLike(random, params));
    Map<String, Object> bad = Map.of("w", Arrays32.vec(1, Double.NaN, 2, 3), "b", Arrays32.vec(Double.POSITIVE_INFINITY));

    UpdateResult unfused = tx.update(bad, first.state(), first.params());
    Arrays32.assertSameBits(first.params(), applyUpdates(first.params(), unfused.updates()), "unfused params");
    assertSame(((ApplyIfFiniteState) first.state()).innerState(), ((ApplyIfFiniteState) unfused.state()).innerState());

    OptimizerStep<Map<String, Object>> fused = Optax.step(tx, first.params(), first.state(), bad);
    Arrays32.assertSameBits(first.params(), fused.params(), "fused params");
    assertSame(((ApplyIfFiniteState) first.state()).innerState(), ((ApplyIfFiniteState) fused.state()).innerState());
    assertEquals(new ApplyIfFiniteState(1, false, 1, ((ApplyIfFiniteState) first.state()).innerState()), fused.state());

    Map<String, Object> kept = FusedStepTest.deepCopy(first.params());
    OptimizerStep<Map<String, Object>> donated = Optax.stepDonating(tx, FusedStepTest.deepCopy(first.params()),
        first.state(), bad);
    Arrays32.assertSameBits(kept, donated.params(), "donated params");
  }

  /** max_consecutive_errors is a hyperparameter: injected, it can be changed in the state, as in Optax. */
  @Test
  void maxConsecutiveErrorsCanBeInjected() {
    GradientTransformation tx = injectHyperparams(applyIfFinite(sgd(1.0), 0));
    INDArray params = Arrays32.scalar(1);
    OptState state = tx.init(params);
    assertEquals(0.0, state.findHyperparam("max_consecutive_errors"), 0.0);
    UpdateResult through = tx.update(Arrays32.scalar(Double.NaN), state, params);
    assertTrue(Double.isNaN(applyUpdates(params, through.updates()).getDouble(0)), "0 allowed: let through");
    OptState patient = Optax.setHyperparam(state, Hyperparam.named("max_consecutive_errors"), 3);
    UpdateResult skipped = tx.update(Arrays32.scalar(Double.NaN), patient, params);
    assertEquals(1.0, applyUpdates(params, skipped.updates()).getDouble(0), 0.0, "3 allowed: skipped");
  }

  @Test
  void badInputIsNamed() {
    GradientTransformation tx = applyIfFinite(adam(1e-3), 1);
    Map<String, Object> params = Map.of("w", Arrays32.vec(1, 2));
    OptState state = tx.init(params);
    OptimizerInputException e = assertThrows(OptimizerInputException.class,
        () -> tx.update(Map.of("w", Arrays32.vec(1, 2, 3)), state, params));
    assertEquals(".innerState[0].mu['w']", e.statePath().keystr());
    OptimizerInputException wrongState = assertThrows(OptimizerInputException.class,
        () -> tx.update(params, new EmptyState(), params));
    assertTrue(wrongState.getMessage().contains("ApplyIfFiniteState but found EmptyState"), wrongState.getMessage());
    assertFalse(Finiteness.allFinite(Map.of("a", Arrays32.vec(1, Double.NEGATIVE_INFINITY))));
  }
}
