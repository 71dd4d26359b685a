package org.pytree4j.samples.spark;

import java.io.Serializable;

/**
 * Command-line options of the Spark sample.
 *
 * @param replicas data-parallel replicas (Spark tasks)
 * @param steps optimizer steps
 * @param seed seed for data, initial params and batches
 * @param master Spark master; null: {@code spark.master} if set (spark-submit), else {@code local[replicas]}
 * @param checkpoints checkpoint directory (shared by all executors on a cluster)
 * @param failAt the last replica fails once, after this step (-1: never), to show a restart
 * @param resume keep the checkpoints of an earlier run and continue it
 * @param quiet no progress lines
 */
record SparkOptions(int replicas, int steps, long seed, String master, String checkpoints, int failAt, boolean resume,
    boolean quiet) implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String USAGE = String.join("\n",
      "Usage: TrainTwoMoonsOnSpark [--replicas N] [--steps N] [--seed S] [--master URL] [--checkpoints DIR]",
      "                            [--fail-at STEP] [--resume] [--quiet] [--help]",
      "",
      "Trains the two-moons MLP data-parallel: N Spark barrier tasks, each with a replica of the train",
      "state and a slice of every batch, averaging gradients with a ring all-reduce over TCP.",
      "",
      "  --replicas N       replicas (default 2; each is one Spark task, all running at once)",
      "  --steps N          optimizer steps (default 400)",
      "  --seed S           seed (default 0)",
      "  --master URL       Spark master (default: spark-submit's, else local[N])",
      "  --checkpoints DIR  rank 0's checkpoints (default target/two-moons-spark/checkpoints)",
      "  --fail-at STEP     make the last replica fail once after STEP, to watch the restart",
      "  --resume           continue from the checkpoints instead of starting afresh",
      "  --quiet            no progress lines",
      "  --help             this text");

  static SparkOptions parse(String... args) {
    int replicas = 2;
    int steps = 400;
    long seed = 0;
    String master = null;
    String checkpoints = "target/two-moons-spark/checkpoints";
    int failAt = -1;
    boolean resume = false;
    boolean quiet = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--replicas" -> replicas = positive(args, ++i, "--replicas");
        case "--steps" -> steps = positive(args, ++i, "--steps");
        case "--seed" -> seed = parseLong(value(args, ++i, "--seed"));
        case "--master" -> master = value(args, ++i, "--master");
        case "--checkpoints" -> checkpoints = value(args, ++i, "--checkpoints");
        case "--fail-at" -> failAt = positive(args, ++i, "--fail-at");
        case "--resume" -> resume = true;
        case "--quiet" -> quiet = true;
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    return new SparkOptions(replicas, steps, seed, master, checkpoints, failAt, resume, quiet);
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--seed must be an integer, got '" + text + "'");
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String[] args, int i, String option) {
    String text = value(args, i, option);
    try {
      int n = Integer.parseInt(text);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " must be a positive integer, got '" + text + "'");
  }
}
