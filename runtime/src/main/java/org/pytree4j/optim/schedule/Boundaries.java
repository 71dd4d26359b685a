package org.pytree4j.optim.schedule;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Converts the {@code boundaries_and_scales} dicts of Optax's schedules. */
final class Boundaries {
  private Boundaries() {}

  /** {@code {step: scale}} with integral steps, sorted; null is an empty map. */
  static SortedMap<Long, Double> of(Map<? extends Number, ? extends Number> boundariesAndScales) {
    SortedMap<Long, Double> out = new TreeMap<>();
    if (boundariesAndScales == null) {
      return Collections.unmodifiableSortedMap(out);
    }
    boundariesAndScales.forEach((step, scale) -> {
      if (step == null || scale == null) {
        throw new IllegalArgumentException("boundaries_and_scales must not hold null: " + boundariesAndScales);
      }
      double s = step.doubleValue();
      if (s != Math.rint(s)) {
        throw new IllegalArgumentException("boundaries must be whole steps, got " + step);
      }
      out.put((long) s, scale.doubleValue());
    });
    return Collections.unmodifiableSortedMap(out);
  }

  static SortedMap<Long, Double> sortedCopy(SortedMap<Long, Double> map) {
    return map == null ? Collections.unmodifiableSortedMap(new TreeMap<>())
        : Collections.unmodifiableSortedMap(new TreeMap<>(map));
  }
}
