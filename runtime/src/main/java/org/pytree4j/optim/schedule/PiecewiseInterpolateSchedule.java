package org.pytree4j.optim.schedule;

import java.util.Map;
import java.util.SortedMap;

/**
 * Optax's {@code piecewise_interpolate_schedule(interpolate_type, init_value, boundaries_and_scales)}:
 * the values {@code v_0 = init_value}, {@code v_i = v_(i-1) * scale_i} sit at the boundaries
 * {@code b_0 = 0 < b_1 < ...}; between two boundaries the schedule interpolates ({@code pct = (count
 * - b_i) / max(b_(i+1) - b_i, 1)}), and after the last it stays at the last value (before 0 it is 0).
 */
public record PiecewiseInterpolateSchedule(Interpolation interpolation, double initValue,
    SortedMap<Long, Double> boundariesAndScales) implements Schedule {

  public PiecewiseInterpolateSchedule {
    if (interpolation == null) {
      throw new IllegalArgumentException("`interpolate_type` must be either 'cosine' or 'linear', got None");
    }
    boundariesAndScales = Boundaries.sortedCopy(boundariesAndScales);
    for (double scale : boundariesAndScales.values()) {
      if (!(scale >= 0.0)) {
        throw new IllegalArgumentException("`piecewise_interpolate_schedule` expects non-negative scale factors, got "
            + boundariesAndScales);
      }
    }
  }

  @Override
  public double value(long count) {
    int n = boundariesAndScales.size();
    long[] bounds = new long[n + 1];
    double[] values = new double[n + 1];
    values[0] = initValue;
    int i = 1;
    for (Map.Entry<Long, Double> e : boundariesAndScales.entrySet()) {
      bounds[i] = e.getKey();
      values[i] = values[i - 1] * e.getValue();
      i++;
    }
    double result = 0;
    for (int k = 0; k < n; k++) {
      if (bounds[k] <= count && count < bounds[k + 1]) {
        double size = Math.max(bounds[k + 1] - bounds[k], 1);
        result += interpolation.between(values[k], values[k + 1], (count - bounds[k]) / size);
      }
    }
    if (bounds[n] <= count) {
      result += values[n];
    }
    return result;
  }
}
