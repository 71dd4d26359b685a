package org.pytree4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link WrappersBenchmark}'s steps side by side in one JVM, in rounds: every round times a few steps
 * of each in turn, so that a machine whose load changes over minutes (a shared one) weighs on all of
 * them alike. Prints the median time of a step of each and its ratio to adam's, over the rounds.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.pytree4j.benchmarks.WrappersSideBySide [ROUNDS] [STEPS]</pre>
 */
public final class WrappersSideBySide {
  private WrappersSideBySide() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String[] names = {"adam", "MultiSteps(adam) mini-step", "MultiSteps(adam) last mini-step",
        "MultiSteps(clip+adam) last mini-step", "apply_if_finite(adam)", "partition(adam, set_to_zero)",
        "incremental_update"};
    Map<String, WrappersBenchmark> runs = new LinkedHashMap<>();
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (String name : names) {
      WrappersBenchmark b = new WrappersBenchmark();
      b.params = 1_000_000;
      b.step = name;
      b.setup();
      runs.put(name, b);
      times.put(name, new ArrayList<>());
    }
    Object sink = null;
    for (int round = -5; round < rounds; round++) {
      for (String name : names) {
        WrappersBenchmark b = runs.get(name);
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          sink = b.run();
        }
        long micros = (System.nanoTime() - start) / 1000 / steps;
        if (round >= 0) {
          times.get(name).add((double) micros);
        }
      }
    }
    double adam = median(times.get("adam"));
    System.out.printf(Locale.ROOT, "%-40s %12s %8s%n", "step (1M float32 params, 1 thread, donated)", "median us", "x adam");
    for (String name : names) {
      double m = median(times.get(name));
      System.out.printf(Locale.ROOT, "%-40s %12.0f %8.2f%n", name, m, m / adam);
    }
    runs.values().forEach(WrappersBenchmark::tearDown);
    if (sink == null) {
      System.out.println();
    }
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
