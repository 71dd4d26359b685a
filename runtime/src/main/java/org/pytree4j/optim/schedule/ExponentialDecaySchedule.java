package org.pytree4j.optim.schedule;

/**
 * Optax's {@code exponential_decay(init_value, transition_steps, decay_rate, transition_begin=0,
 * staircase=False, end_value=None)}: with {@code k = count - transition_begin} and
 * {@code p = k / transition_steps} (floored when {@code staircase}), {@code init_value} while
 * {@code k <= 0}, else {@code init_value * decay_rate^p}; then bounded by {@code end_value} (a lower
 * bound when {@code decay_rate < 1}, an upper one otherwise). Build it with
 * {@link Schedules#exponentialDecay}, which gives a constant schedule when {@code transition_steps <= 0}
 * or {@code decay_rate == 0}, as Optax does.
 *
 * @param endValue the bound, or null for none
 */
public record ExponentialDecaySchedule(double initValue, long transitionSteps, double decayRate,
    long transitionBegin, boolean staircase, Double endValue) implements Schedule {

  public ExponentialDecaySchedule {
    if (transitionSteps <= 0 || decayRate == 0 || transitionBegin < 0) {
      throw new IllegalArgumentException("exponential_decay needs transition_steps > 0, decay_rate != 0 and"
          + " transition_begin >= 0; use Schedules.exponentialDecay for Optax's handling of other values");
    }
  }

  @Override
  public double value(long count) {
    long decreased = count - transitionBegin;
    double p = (double) decreased / transitionSteps;
    if (staircase) {
      p = Math.floor(p);
    }
    double v = decreased <= 0 ? initValue : initValue * Math.pow(decayRate, p);
    if (endValue != null) {
      v = decayRate < 1.0 ? Math.max(v, endValue) : Math.min(v, endValue);
    }
    return v;
  }
}
