package org.pytree4j.parallel;

import java.time.Duration;

final class Durations {
  private Durations() {}

  /** {@code 30 s}, {@code 250 ms}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  static Duration requirePositive(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a collective's timeout must be positive, got " + timeout);
    }
    return timeout;
  }
}
