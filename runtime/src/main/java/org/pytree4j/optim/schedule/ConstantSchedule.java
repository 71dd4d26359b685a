package org.pytree4j.optim.schedule;

/** Optax's {@code constant_schedule(value)}: {@code value} at every step. */
public record ConstantSchedule(double value) implements Schedule {
  @Override
  public double value(long count) {
    return value;
  }
}
