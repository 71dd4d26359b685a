package org.pytree4j.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/** The ratio tables of one JMH run, in Markdown. Times are per operation; medians with their quartiles. */
final class Report {
  private static final long TOTAL = 10_000_000L;

  /** One benchmark's sampled times, in milliseconds. */
  record Time(double p25, double median, double p75, double mean, long samples) {
    String ms() {
      return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median, p25, p75);
    }

    String us() {
      return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", median * 1000, p25 * 1000, p75 * 1000);
    }

    /**
     * {@link #us} and the mean, which also counts the rare slow steps a median leaves out (mostly
     * collections of the garbage the step's objects become).
     */
    String usAndMean() {
      return us() + String.format(Locale.ROOT, "; mean %.1f", mean * 1000);
    }

    /** {@link #over} and the ratio of means. */
    String overWithMeans(Time base) {
      return base == null ? "" : over(base) + String.format(Locale.ROOT, "; means %.2fx", mean / base.mean);
    }

    /** {@code this / base}: the ratio of medians, with the range quartiles allow. */
    String over(Time base) {
      return base == null ? "" : String.format(Locale.ROOT, "%.2fx (%.2f–%.2f)", median / base.median,
          p25 / base.p75, p75 / base.p25);
    }

    double ratio(Time base) {
      return median / base.median;
    }
  }

  private final Collection<RunResult> results;

  Report(Collection<RunResult> results) {
    this.results = results;
  }

  /** The time of {@code Class.method} with the given params ({@code "leaves", "1"} ...), or null when it did not run. */
  Time time(String benchmark, String... params) {
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      if (!p.getBenchmark().endsWith("." + benchmark)) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < params.length; i += 2) {
        match &= params[i + 1].equals(p.getParam(params[i]));
      }
      if (match) {
        Statistics s = r.getPrimaryResult().getStatistics();
        double toMs = toMillis(r.getPrimaryResult().getScoreUnit());
        return new Time(s.getPercentile(25) * toMs, s.getPercentile(50) * toMs, s.getPercentile(75) * toMs,
            s.getMean() * toMs, s.getN());
      }
    }
    return null;
  }

  private static double toMillis(String unit) {
    if (unit.startsWith("ms")) {
      return 1;
    }
    if (unit.startsWith("us")) {
      return 1e-3;
    }
    if (unit.startsWith("ns")) {
      return 1e-6;
    }
    if (unit.startsWith("s/")) {
      return 1e3;
    }
    throw new IllegalArgumentException(unit);
  }

  String markdown(Machine before, Machine after) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark report\n\n");
    md.append("Machine: ").append(before.cpu()).append(", ").append(before.cores()).append(" cores; ")
        .append(before.jvm()).append(".\n");
    md.append("Load average (1, 5, 15 min, /proc/loadavg) at the start: `").append(before.load())
        .append("`, at the end: `").append(after.load()).append("`.\n");
    md.append(String.format(Locale.ROOT, "The run took %.1f minutes.%n", before.minutesUntil(after)));
    double stolen = before.stolenShareUntil(after);
    if (stolen >= 0) {
      md.append(String.format(Locale.ROOT, "CPU time taken by the hypervisor for other guests during the run (steal,"
          + " /proc/stat): %.1f%%.%n", 100 * stolen));
    }
    md.append('\n');
    steps(md);
    leaves(md);
    params(md);
    flatten(md);
    return md.toString();
  }

  private void steps(StringBuilder md) {
    Time floor = time("FloorBenchmark.adam");
    Time floor2 = time("FloorBenchmark.adamTwoCores");
    Time clipFloor = time("FloorBenchmark.clipAdam");
    Time clipFloor2 = time("FloorBenchmark.clipAdamTwoCores");
    md.append("## One step on 10M float32 params (ms per step: median (p25–p75))\n\n");
    md.append("Ratios are of medians; the range in brackets divides quartiles by quartiles. The floor is the same\n")
        .append("arithmetic as plain in-place loops over Java float arrays (FloorKernels), on one core and on two.\n\n");
    md.append("| case | leaves | time | × floor, 1 core | × floor, 2 cores |\n|---|---|---|---|---|\n");
    row(md, "floor: adam, 1 core", "-", floor, floor, floor2);
    row(md, "floor: adam, 2 cores", "-", floor2, floor, floor2);
    row(md, "floor: clip + adam, 1 core", "-", clipFloor, clipFloor, clipFloor2);
    row(md, "floor: clip + adam, 2 cores", "-", clipFloor2, clipFloor, clipFloor2);
    for (String benchmark : List.of("ApplyGradientsBenchmark", "ApplyGradientsJavaBenchmark",
        "ApplyGradientsVectorBenchmark")) {
      String jvm = benchmark.contains("Vector") ? " (Vector API)" : benchmark.contains("Java") ? " (Java pass)" : "";
      for (String tx : List.of("adam", "clip+inject(adam)")) {
        Time f = tx.equals("adam") ? floor : clipFloor;
        Time f2 = tx.equals("adam") ? floor2 : clipFloor2;
        for (String method : List.of("applyGradients", "applyGradientsDonating")) {
          for (String leaves : List.of("1", "1000")) {
            row(md, "`" + method + "`, " + tx + jvm, leaves,
                time(benchmark + "." + method, "leaves", leaves, "tx", tx), f, f2);
          }
        }
      }
    }
    for (String leaves : List.of("1", "1000")) {
      row(md, "ND4J `AdamUpdater` op per leaf + `subi`", leaves, time("Nd4jBaselineBenchmark.adamUpdaterPerLeaf", "leaves", leaves),
          floor, floor2);
    }
    for (String leaves : List.of("1", "1000")) {
      row(md, "naive ND4J op chain (new arrays)", leaves, time("Nd4jBaselineBenchmark.naiveOpChain", "leaves", leaves), floor, floor2);
    }
    md.append('\n');
    Time updater = time("Nd4jBaselineBenchmark.adamUpdaterPerLeaf", "leaves", "1000");
    Time ours = time("ApplyGradientsBenchmark.applyGradients", "leaves", "1000", "tx", "adam");
    Time oursDonated = time("ApplyGradientsBenchmark.applyGradientsDonating", "leaves", "1000", "tx", "adam");
    if (updater != null && ours != null && oursDonated != null) {
      md.append(String.format(Locale.ROOT, "ND4J's AdamUpdater per leaf at 1000 leaves over `applyGradients`: %.1fx;"
          + " over `applyGradientsDonating`: %.1fx.%n%n", updater.ratio(ours), updater.ratio(oursDonated)));
    }
    Time java = time("ApplyGradientsJavaBenchmark.applyGradients", "leaves", "1000", "tx", "adam");
    Time javaDonated = time("ApplyGradientsJavaBenchmark.applyGradientsDonating", "leaves", "1000", "tx", "adam");
    if (updater != null && java != null && javaDonated != null) {
      md.append(String.format(Locale.ROOT, "The same with the Java pass (no native kernel): %.1fx and %.1fx.%n%n",
          updater.ratio(java), updater.ratio(javaDonated)));
    }
    lion(md);
  }

  /** lion, a Custom op the engine runs in its Java pass, against adam (native kernel where it loads). */
  private void lion(StringBuilder md) {
    StringBuilder rows = new StringBuilder();
    for (String method : List.of("applyGradients", "applyGradientsDonating")) {
      for (String leaves : List.of("1", "1000")) {
        Time lion = time("ApplyGradientsBenchmark." + method, "leaves", leaves, "tx", "lion");
        Time adam = time("ApplyGradientsBenchmark." + method, "leaves", leaves, "tx", "adam");
        if (lion != null && adam != null) {
          rows.append("| `").append(method).append("` | ").append(leaves).append(" | ").append(lion.ms()).append(" | ")
              .append(adam.ms()).append(" | ").append(lion.over(adam)).append(" |\n");
        }
      }
    }
    if (rows.length() > 0) {
      md.append("lion (an `ElementwiseOp.Custom`, run by the engine's Java pass) against adam, 10M params:\n\n")
          .append("| case | leaves | lion | adam | lion × adam |\n|---|---|---|---|---|\n").append(rows).append('\n');
    }
  }

  private static void row(StringBuilder md, String name, String leaves, Time t, Time floor, Time floor2) {
    if (t == null) {
      return;
    }
    md.append("| ").append(name).append(" | ").append(leaves).append(" | ").append(t.ms()).append(" | ")
        .append(floor == null ? "" : t.over(floor)).append(" | ").append(floor2 == null ? "" : t.over(floor2)).append(" |\n");
  }

  private void leaves(StringBuilder md) {
    md.append("## 1M params in 1 to 10,000 leaves (adam; µs per step: median (p25–p75); mean)\n\n");
    md.append("| leaves | `applyGradients` | × 1 leaf | `applyGradientsDonating` | × 1 leaf |\n|---|---|---|---|---|\n");
    Time one = time("ScalingBenchmark.applyGradients", "shape", "1000000:1");
    Time oneDonated = time("ScalingBenchmark.applyGradientsDonating", "shape", "1000000:1");
    for (String leaves : List.of("1", "10", "100", "1000", "10000")) {
      Time t = time("ScalingBenchmark.applyGradients", "shape", "1000000:" + leaves);
      Time d = time("ScalingBenchmark.applyGradientsDonating", "shape", "1000000:" + leaves);
      if (t == null || d == null) {
        continue;
      }
      leafRow(md, leaves, t, one, d, oneDonated);
    }
    md.append('\n');
    md.append("A median leaves out the rare slow steps; the mean counts them, mostly the collections of the objects\n")
        .append("the steps make (three arrays a leaf a step).\n\n");
    md.append("With `flatten(adam)` (each moment one vector), against adam on the same params in one leaf:\n\n");
    md.append("| leaves | `applyGradients` | × 1 leaf (adam) | `applyGradientsDonating` | × 1 leaf (adam) |\n|---|---|---|---|---|\n");
    for (Map.Entry<Long, Time[]> e : flattenedLeafSeries().entrySet()) {
      Time t = e.getValue()[0];
      Time d = e.getValue()[1];
      if (t == null || d == null) {
        continue;
      }
      leafRow(md, String.valueOf(e.getKey()), t, one, d, oneDonated);
    }
    md.append('\n');
    Time sliced = time("ScalingBenchmark.applyGradientsSlicedGrads", "shape", "1000000:10000");
    Time slicedDonated = time("ScalingBenchmark.applyGradientsDonatingSlicedGrads", "shape", "1000000:10000");
    if (sliced != null && slicedDonated != null) {
      md.append("With the gradients as slices of one vector (DL4J's flattened gradient view), adam:\n\n");
      md.append("| leaves | `applyGradients` | × 1 leaf | `applyGradientsDonating` | × 1 leaf |\n|---|---|---|---|---|\n");
      leafRow(md, "10000", sliced, one, slicedDonated, oneDonated);
      md.append('\n');
    }
  }

  /** A row of the leaf tables: each step's time and mean, and its ratios to the one-leaf step of its kind. */
  private static void leafRow(StringBuilder md, String leaves, Time immutable, Time oneLeaf, Time donated,
      Time oneLeafDonated) {
    md.append("| ").append(leaves).append(" | ").append(immutable.usAndMean()).append(" | ")
        .append(immutable.overWithMeans(oneLeaf)).append(" | ").append(donated.usAndMean()).append(" | ")
        .append(donated.overWithMeans(oneLeafDonated)).append(" |\n");
  }

  private void params(StringBuilder md) {
    md.append("## 1K to 10M params in one leaf (adam; µs per step, and ns per param)\n\n");
    md.append("| params | floor (1 core) | `applyGradients` | × floor | `applyGradientsDonating` | × floor |\n|---|---|---|---|---|---|\n");
    for (Map.Entry<Long, Time[]> e : paramSeries().entrySet()) {
      Time[] t = e.getValue();
      md.append("| ").append(e.getKey()).append(" | ").append(cell(t[0], e.getKey())).append(" | ")
          .append(cell(t[1], e.getKey())).append(" | ").append(t[0] == null || t[1] == null ? "" : t[1].over(t[0]))
          .append(" | ").append(cell(t[2], e.getKey())).append(" | ")
          .append(t[0] == null || t[2] == null ? "" : t[2].over(t[0])).append(" |\n");
    }
    md.append('\n');
  }

  /** For 1K .. 10M params in one leaf: {floor, applyGradients, applyGradientsDonating}. */
  Map<Long, Time[]> paramSeries() {
    Map<Long, Time[]> series = new java.util.TreeMap<>();
    for (long n : new long[] {1_000, 10_000, 100_000, 1_000_000}) {
      series.put(n, new Time[] {
          time("ScalingBenchmark.floor", "params", Long.toString(n)),
          time("ScalingBenchmark.applyGradients", "shape", n + ":1"),
          time("ScalingBenchmark.applyGradientsDonating", "shape", n + ":1")});
    }
    series.put(TOTAL, new Time[] {
        time("FloorBenchmark.adam"),
        time("ApplyGradientsBenchmark.applyGradients", "leaves", "1", "tx", "adam"),
        time("ApplyGradientsBenchmark.applyGradientsDonating", "leaves", "1", "tx", "adam")});
    return series;
  }

  /** For 1 .. 10K leaves holding 1M params: {applyGradients, applyGradientsDonating}. */
  Map<Long, Time[]> leafSeries() {
    Map<Long, Time[]> series = new java.util.TreeMap<>();
    for (long n : new long[] {1, 10, 100, 1000, 10000}) {
      series.put(n, new Time[] {
          time("ScalingBenchmark.applyGradients", "shape", "1000000:" + n),
          time("ScalingBenchmark.applyGradientsDonating", "shape", "1000000:" + n)});
    }
    return series;
  }

  /** For 1 .. 10K leaves holding 1M params, with {@code flatten(adam)}: {applyGradients, applyGradientsDonating}. */
  Map<Long, Time[]> flattenedLeafSeries() {
    Map<Long, Time[]> series = new java.util.TreeMap<>();
    for (long n : new long[] {1, 1000, 10000}) {
      series.put(n, new Time[] {
          time("ScalingBenchmark.applyGradientsFlattened", "shape", "1000000:" + n),
          time("ScalingBenchmark.applyGradientsDonatingFlattened", "shape", "1000000:" + n)});
    }
    return series;
  }

  private static String cell(Time t, long params) {
    return t == null ? "" : t.us() + String.format(Locale.ROOT, "; %.2f ns", t.median() * 1e6 / params);
  }

  private void flatten(StringBuilder md) {
    md.append("## Flatten + unflatten a tree of generated records (µs: median (p25–p75), and ns per leaf)\n\n");
    md.append("| leaves | pytree4j | reflective | × slower | reflective, cached | × slower |\n|---|---|---|---|---|---|\n");
    List<String> sizes = new ArrayList<>(List.of("100", "1000", "10000"));
    for (String leaves : sizes) {
      Time ours = time("FlattenBenchmark.pytree4j", "leaves", leaves);
      Time plain = time("FlattenBenchmark.reflective", "leaves", leaves);
      Time cached = time("FlattenBenchmark.reflectiveCached", "leaves", leaves);
      if (ours == null) {
        continue;
      }
      long n = Long.parseLong(leaves);
      md.append("| ").append(leaves).append(" | ").append(cell(ours, n)).append(" | ").append(cell(plain, n))
          .append(" | ").append(plain == null ? "" : plain.over(ours)).append(" | ").append(cell(cached, n))
          .append(" | ").append(cached == null ? "" : cached.over(ours)).append(" |\n");
    }
    md.append('\n');
  }
}
