package org.pytree4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks of this module in one JMH run (so all ratios come from the same conditions),
 * then writes {@code results.json} (JMH's), {@code report.md} (the ratio tables) and
 * {@code scaling.png} (the chart) into the directory given by {@code -Dpytree4j.bench.out}
 * (default {@code benchmarks/target/report}). JMH's own command-line options may be added, e.g. a
 * regex to run a subset, or {@code -f 0} to debug.
 *
 * <p>Without a regex it runs every benchmark but the two that run the same steps in other JVMs
 * ({@link ApplyGradientsJavaBenchmark}, {@link ApplyGradientsVectorBenchmark}): no goal is measured
 * on them, and they would add half again to the run's 6 minutes. {@code -D}{@value #WITH_VARIANTS}{@code =true}
 * adds them. {@link WrappersBenchmark} and {@link OptimizersBenchmark}, which no goal names either, run
 * only by name.
 */
public final class RunAll {
  static final String WITH_VARIANTS = "pytree4j.bench.variants";
  private static final String VARIANTS = "org\\.pytree4j\\.benchmarks\\.ApplyGradients(Java|Vector)Benchmark\\.";
  private static final String BY_NAME_ONLY = "org\\.pytree4j\\.benchmarks\\.(Wrappers|Optimizers)Benchmark\\.";

  private RunAll() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    Path out = Path.of(System.getProperty("pytree4j.bench.out", "benchmarks/target/report"));
    Files.createDirectories(out);
    CommandLineOptions cli = new CommandLineOptions(args);
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
        .resultFormat(ResultFormatType.JSON)
        .result(out.resolve("results.json").toString());
    if (cli.getIncludes().isEmpty()) {
      options.include("org\\.pytree4j\\.benchmarks\\..*");
      options.exclude(BY_NAME_ONLY);
      if (!Boolean.getBoolean(WITH_VARIANTS)) {
        options.exclude(VARIANTS);
      }
    }
    Machine before = Machine.now();
    Collection<RunResult> results = new Runner(options.build()).run();
    Machine after = Machine.now();
    Report report = new Report(results);
    Files.writeString(out.resolve("report.md"), report.markdown(before, after));
    Chart.write(report, out.resolve("scaling.png"));
    System.out.println("wrote " + out.resolve("report.md") + " and " + out.resolve("scaling.png"));
  }
}
