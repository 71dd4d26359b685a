package org.pytree4j.train;

import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;

/**
 * The runtime half of generated train states: what {@code create} and {@code applyGradients} call.
 */
public final class TrainStates {
  private TrainStates() {}

  /** New params and optimizer state after one step. */
  public record Applied<P>(P params, OptState optState) {}

  /** {@code tx.init(params)}. */
  public static OptState init(GradientTransformation tx, Object params) {
    return tx.init(params);
  }

  /** {@code tx.update(grads, optState, params)} then {@code applyUpdates}. */
  public static <P> Applied<P> applyGradients(GradientTransformation tx, P params, OptState optState, P grads) {
    throw new UnsupportedOperationException("not yet");
  }

  public static long nextStep(long step) {
    return step == Long.MAX_VALUE ? step : step + 1;
  }

  public static int nextStep(int step) {
    return step == Integer.MAX_VALUE ? step : step + 1;
  }
}
