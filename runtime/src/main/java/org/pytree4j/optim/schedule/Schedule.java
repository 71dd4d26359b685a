package org.pytree4j.optim.schedule;

/**
 * Optax's {@code Schedule}: maps a step count to a value (a learning rate, a momentum ...). Build
 * them with {@link Schedules}, or write one: {@code count -> 1.0 / (count + 1)}.
 */
@FunctionalInterface
public interface Schedule {
  /** The value at step {@code count} (0 for the first update). */
  double value(long count);
}
