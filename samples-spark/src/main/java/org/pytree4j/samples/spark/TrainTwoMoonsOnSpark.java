package org.pytree4j.samples.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.pytree4j.samples.spark.MoonsReplica.Summary;
import org.pytree4j.spark.SparkReplicas;

/**
 * The two-moons sample, data-parallel on Spark: {@code --replicas} barrier tasks (default 2, on
 * {@code local[2]}), each holding a replica of the train state and a slice of every batch; rank 0
 * writes checkpoints, and a failed stage restarts from the latest one.
 */
public final class TrainTwoMoonsOnSpark {
  private TrainTwoMoonsOnSpark() {}

  public static void main(String[] args) throws IOException {
    SparkOptions options;
    try {
      if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
        System.out.println(SparkOptions.USAGE);
        return;
      }
      options = SparkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(SparkOptions.USAGE);
      System.exit(2);
      return;
    }
    Path checkpoints = Path.of(options.checkpoints()).toAbsolutePath();
    if (!options.resume()) {
      deleteRecursively(checkpoints);
    }
    options = new SparkOptions(options.replicas(), options.steps(), options.seed(), options.master(),
        checkpoints.toString(), options.failAt(), options.resume(), options.quiet());

    SparkConf conf = new SparkConf().setAppName("pytree4j two moons, data-parallel");
    if (options.master() != null) {
      conf.setMaster(options.master());
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[" + options.replicas() + "]");
    }
    if (conf.get("spark.master").startsWith("local")) {
      // everything in this JVM: keep Spark's own sockets on the loopback interface, and quiet
      conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
          .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
    }
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("ERROR");
      System.out.printf("training on %s: %d replicas, %d steps, global batch %d (%d per replica)%n",
          sc.master(), options.replicas(), options.steps(), MoonsReplica.GLOBAL_BATCH,
          MoonsReplica.GLOBAL_BATCH / options.replicas());
      long start = System.nanoTime();
      List<Summary> summaries = SparkReplicas.create().maxRestarts(2).timeout(Duration.ofMinutes(2))
          .run(sc, options.replicas(), new MoonsReplica(options));
      double seconds = (System.nanoTime() - start) / 1e9;
      for (Summary s : summaries) {
        System.out.printf("replica %d: attempt %d, %s, %d steps, last loss %.4f, params checksum %016x%n",
            s.rank(), s.attempt(), s.resumedFrom() > 0 ? "resumed from step " + s.resumedFrom() : "from step 0",
            s.steps(), s.loss(), s.checksum());
      }
      boolean identical = summaries.stream().map(Summary::checksum).distinct().count() == 1;
      System.out.printf("replicas identical: %s; held-out accuracy (EMA params): %.1f%%; %.1f s%n",
          identical ? "yes" : "NO", 100 * summaries.get(0).accuracy(), seconds);
      System.out.println("checkpoints: " + checkpoints);
    }
    // Spark 3.5's BarrierTaskContext leaves a non-daemon timer thread ("Barrier task timer for
    // barrier() calls.") that would keep this JVM alive after main returns
    System.exit(0);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
