package org.pytree4j.optim.schedule;

/**
 * Optax's {@code polynomial_schedule(init_value, end_value, power, transition_steps, transition_begin=0)}:
 * with {@code k = clip(count - transition_begin, 0, transition_steps)},
 * {@code (init - end) * (1 - k / transition_steps)^power + end}. Build it with
 * {@link Schedules#polynomial}, which gives a constant schedule when {@code transition_steps <= 0}
 * and treats a negative {@code transition_begin} as 0, as Optax does.
 */
public record PolynomialSchedule(double initValue, double endValue, double power, long transitionSteps,
    long transitionBegin) implements Schedule {

  public PolynomialSchedule {
    if (transitionSteps <= 0 || transitionBegin < 0) {
      throw new IllegalArgumentException("polynomial_schedule needs transition_steps > 0 and transition_begin >= 0;"
          + " use Schedules.polynomial for Optax's handling of other values");
    }
  }

  @Override
  public double value(long count) {
    double k = Math.min(Math.max(count - transitionBegin, 0), transitionSteps);
    double frac = 1 - k / transitionSteps;
    return (initValue - endValue) * Math.pow(frac, power) + endValue;
  }
}
