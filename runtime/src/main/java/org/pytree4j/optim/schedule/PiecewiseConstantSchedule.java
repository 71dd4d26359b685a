package org.pytree4j.optim.schedule;

import java.util.Map;
import java.util.SortedMap;

/**
 * Optax's {@code piecewise_constant_schedule(init_value, boundaries_and_scales)}: {@code init_value}
 * times every scale whose boundary is {@code <= count}.
 *
 * @param boundariesAndScales step to scale, sorted by step; every scale non-negative
 */
public record PiecewiseConstantSchedule(double initValue, SortedMap<Long, Double> boundariesAndScales)
    implements Schedule {

  public PiecewiseConstantSchedule {
    boundariesAndScales = Boundaries.sortedCopy(boundariesAndScales);
    for (double scale : boundariesAndScales.values()) {
      if (!(scale >= 0.0)) {
        throw new IllegalArgumentException("piecewise_constant_schedule expects non-negative scale factors, got "
            + boundariesAndScales);
      }
    }
  }

  @Override
  public double value(long count) {
    double v = initValue;
    for (Map.Entry<Long, Double> e : boundariesAndScales.entrySet()) {
      if (count >= e.getKey()) {
        v = e.getValue() * v;
      }
    }
    return v;
  }
}
