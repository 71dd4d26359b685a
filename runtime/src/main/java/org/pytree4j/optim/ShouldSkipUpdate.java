package org.pytree4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.kernels.SumOfSquares;

/**
 * Optax's {@code ShouldSkipUpdateFunction} for {@link MultiSteps}: from a mini-step's updates (the
 * gradients), the current gradient step and the params, whether to skip the mini-step (as if it never
 * happened) and what to keep in {@link MultiStepsState#skipState()} for monitoring.
 */
@FunctionalInterface
public interface ShouldSkipUpdate {

  /** {@code should_skip_update_fn(updates, gradient_step, params)}. */
  Decision decide(Object updates, int gradientStep, Object params);

  /**
   * What a {@link ShouldSkipUpdate} returns: Optax's tuple.
   *
   * @param skip whether to skip the mini-step
   * @param skipState a tree kept in the state's {@code skip_state} (for debugging and monitoring)
   */
  record Decision(boolean skip, Object skipState) {}

  /**
   * Optax's {@code skip_not_finite}: skips when the updates hold an Inf or a NaN; the skip state is
   * {@code {'num_not_finite': Integer (int32), 'should_skip': Boolean}}.
   */
  static ShouldSkipUpdate skipNotFinite() {
    return (updates, gradientStep, params) -> {
      UpdateTrees.flatten(updates, "updates");
      int count = (int) Finiteness.countNotFinite(updates);
      boolean skip = count > 0;
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("num_not_finite", count);
      state.put("should_skip", skip);
      return new Decision(skip, state);
    };
  }

  /**
   * Optax's {@code skip_large_updates(max_squared_norm)}: skips unless the updates' squared global norm
   * (float32) is below {@code maxSquaredNorm} (so a NaN norm skips too); the skip state is
   * {@code {'norm_squared': Float, 'should_skip': Boolean}}.
   */
  static ShouldSkipUpdate skipLargeUpdates(double maxSquaredNorm) {
    return (updates, gradientStep, params) -> {
      UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
      double sum = 0;
      for (int i = 0; i < u.size(); i++) {
        INDArray g = u.array(i);
        if (g != null && LeafBuffers.allFloat32(g)) {
          float[] gf = LeafBuffers.readFloats(g);
          sum += SumOfSquares.ofFloat32(gf, 0, gf.length);
        } else if (g != null) {
          double[] gd = LeafBuffers.read(g);
          sum += SumOfSquares.ofFloat64(gd, 0, gd.length);
        }
      }
      float normSquared = (float) sum;
      boolean skip = !(normSquared < (float) maxSquaredNorm);
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("norm_squared", normSquared);
      state.put("should_skip", skip);
      return new Decision(skip, state);
    };
  }
}
