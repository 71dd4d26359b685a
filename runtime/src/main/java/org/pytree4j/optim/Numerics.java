package org.pytree4j.optim;

/** Optax's {@code optax.safe_increment} for the int32 counters of optimizer states. */
final class Numerics {
  private Numerics() {}

  /** {@code count + 1}, or {@link Integer#MAX_VALUE} when already there (no overflow to negative). */
  static int safeIncrement(int count) {
    return count == Integer.MAX_VALUE ? count : count + 1;
  }
}
