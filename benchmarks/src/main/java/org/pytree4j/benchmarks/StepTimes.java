package org.pytree4j.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * The step times of one run (one fresh process), summarised the same way for every system (the
 * Python side, {@code torch_step.py}, computes the same numbers):
 *
 * <ul>
 *   <li>{@code steady}: the median step time over the second half of the run, in ms;
 *   <li>{@code p25}, {@code p75}: quartiles of the same steps (their ratio is the spread);
 *   <li>{@code early}: the median of steps 101 to 200, in ms (steady state "within the first 100 steps"
 *       means early / steady close to 1).
 * </ul>
 */
record StepTimes(double steady, double p25, double p75, double early) {
  static StepTimes of(long[] nanos) {
    long[] steadyPart = Arrays.copyOfRange(nanos, nanos.length / 2, nanos.length);
    long[] earlyPart = Arrays.copyOfRange(nanos, Math.min(100, nanos.length), Math.min(200, nanos.length));
    Arrays.sort(steadyPart);
    Arrays.sort(earlyPart);
    return new StepTimes(quantile(steadyPart, 0.5), quantile(steadyPart, 0.25), quantile(steadyPart, 0.75),
        quantile(earlyPart, 0.5));
  }

  /** Linear interpolation between order statistics (numpy's default), in ms. */
  static double quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return (sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo])) / 1e6;
  }

  String json() {
    return String.format(Locale.ROOT, "\"steady\": %.5f, \"p25\": %.5f, \"p75\": %.5f, \"early\": %.5f",
        steady, p25, p75, early);
  }
}
