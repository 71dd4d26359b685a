package org.pytree4j.optim.schedule;

/**
 * The arguments of one cycle of {@link Schedules#sgdr}: those of
 * {@code warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps, end_value, exponent)}.
 */
public record CosineCycle(double initValue, double peakValue, long warmupSteps, long decaySteps, double endValue,
    double exponent) {

  /** A cycle with Optax's defaults {@code end_value=0.0, exponent=1.0}. */
  public static CosineCycle of(double initValue, double peakValue, long warmupSteps, long decaySteps) {
    return new CosineCycle(initValue, peakValue, warmupSteps, decaySteps, 0.0, 1.0);
  }

  /** A cycle with {@code exponent=1.0}. */
  public static CosineCycle of(double initValue, double peakValue, long warmupSteps, long decaySteps, double endValue) {
    return new CosineCycle(initValue, peakValue, warmupSteps, decaySteps, endValue, 1.0);
  }
}
