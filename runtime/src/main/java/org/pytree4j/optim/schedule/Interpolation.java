package org.pytree4j.optim.schedule;

import java.util.Locale;

/** How {@code piecewise_interpolate_schedule} moves between its values: Optax's {@code 'linear'} or {@code 'cosine'}. */
public enum Interpolation {
  /** {@code (end - start) * pct + start}. */
  LINEAR {
    @Override
    double between(double start, double end, double pct) {
      return (end - start) * pct + start;
    }
  },
  /** {@code end + (start - end) / 2 * (cos(pi * pct) + 1)}. */
  COSINE {
    @Override
    double between(double start, double end, double pct) {
      return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }
  };

  abstract double between(double start, double end, double pct);

  /** Optax's spelling, {@code 'linear'} or {@code 'cosine'}; anything else throws as Optax does. */
  public static Interpolation of(String interpolateType) {
    if ("linear".equals(interpolateType)) {
      return LINEAR;
    }
    if ("cosine".equals(interpolateType)) {
      return COSINE;
    }
    throw new IllegalArgumentException("`interpolate_type` must be either 'cosine' or 'linear', got "
        + (interpolateType == null ? "None" : "'" + interpolateType + "'"));
  }

  /** Optax's spelling. */
  public String optaxName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
