package org.pytree4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link OptimizersBenchmark}'s 24 cases interleaved in one JVM: each round runs a few steps of every
 * case in turn, so that a machine whose load changes from minute to minute (a shared one) slows all
 * cases alike, and the ratios between them hold where JMH's one fork after another would not. Prints
 * per case the median step time over all rounds with its quartiles, and its ratio to adam's fused step.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.pytree4j.benchmarks.OptimizersSideBySide [rounds [steps]]
 * </pre>
 */
public final class OptimizersSideBySide {
  private static final List<String> OPTIMIZERS =
      List.of("adam", "adagrad", "adabelief", "adamax", "rmsprop", "lamb", "lars", "adafactor");
  private static final List<String> PATHS = List.of("fused", "fused-java", "unfused");

  private OptimizersSideBySide() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int warmupRounds = 3;
    List<OptimizersBenchmark> cases = new ArrayList<>();
    for (String optimizer : OPTIMIZERS) {
      for (String path : PATHS) {
        OptimizersBenchmark c = new OptimizersBenchmark();
        c.optimizer = optimizer;
        c.path = path;
        c.setup();
        cases.add(c);
      }
    }
    List<List<Double>> times = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      times.add(new ArrayList<>());
    }
    String load = Files.loadavg();
    long start = System.nanoTime();
    for (int round = 0; round < warmupRounds + rounds; round++) {
      for (int i = 0; i < cases.size(); i++) {
        OptimizersBenchmark c = cases.get(i);
        for (int s = 0; s < steps; s++) {
          long t0 = System.nanoTime();
          c.step();
          double ms = (System.nanoTime() - t0) / 1e6;
          if (round >= warmupRounds) {
            times.get(i).add(ms);
          }
        }
      }
    }
    double adam = quartiles(times.get(0))[1];
    System.out.printf(Locale.ROOT, "%d rounds of %d steps per case (after %d warmup rounds), %.0f s; load %s -> %s%n",
        rounds, steps, warmupRounds, (System.nanoTime() - start) / 1e9, load, Files.loadavg());
    System.out.println("| optimizer | path | median ms (p25–p75) | / adam fused |");
    System.out.println("| --- | --- | --- | --- |");
    for (int i = 0; i < cases.size(); i++) {
      double[] q = quartiles(times.get(i));
      System.out.printf(Locale.ROOT, "| %s | %s | %.2f (%.2f–%.2f) | %.1f |%n", cases.get(i).optimizer, cases.get(i).path,
          q[1], q[0], q[2], q[1] / adam);
    }
    for (OptimizersBenchmark c : cases) {
      c.tearDown();
    }
  }

  private static double[] quartiles(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return new double[] {v[v.length / 4], v[v.length / 2], v[3 * v.length / 4]};
  }

  /** {@code /proc/loadavg}'s first three fields. */
  private static final class Files {
    static String loadavg() {
      try {
        String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
      } catch (java.io.IOException e) {
        return "unknown";
      }
    }
  }
}
