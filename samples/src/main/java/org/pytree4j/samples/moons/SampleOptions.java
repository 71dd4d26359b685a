package org.pytree4j.samples.moons;

import java.nio.file.Path;

/**
 * Command-line options of the two-moons sample.
 *
 * @param steps optimizer steps
 * @param seed seed for the data set, the initial params and the batches
 * @param outputDir where the chart is written
 * @param quiet no progress bar (for tests and logs)
 * @param accumulate mini-batches whose gradients are averaged before each optimizer update
 *     ({@code optax.MultiSteps}); 1 updates at every step
 */
public record SampleOptions(int steps, long seed, Path outputDir, boolean quiet, int accumulate) {
  public static final String USAGE = String.join("\n",
      "Usage: TrainTwoMoons [--steps N] [--seed S] [--out DIR] [--accumulate K] [--quiet] [--help]",
      "",
      "Trains a two-layer MLP on a generated two-moons data set with",
      "chain(clipByGlobalNorm(1.0), injectHyperparams(adamw, learning_rate = warmupCosineDecay)).",
      "",
      "  --steps N   optimizer steps (default 800)",
      "  --seed S    seed for data, initial params and batches (default 0)",
      "  --out DIR   folder for training-curves.png (default target/two-moons)",
      "  --accumulate K",
      "              average the gradients of K batches before each update, with",
      "              multiSteps(tx, K) (optax.MultiSteps); the schedule counts updates (default 1)",
      "  --quiet     no progress bar",
      "  --help      this text");

  public static SampleOptions defaults() {
    return new SampleOptions(800, 0, Path.of("target", "two-moons"), false, 1);
  }

  /** Parses {@code args}; throws {@link IllegalArgumentException} with a one-line reason on bad input. */
  public static SampleOptions parse(String... args) {
    SampleOptions options = defaults();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--steps" -> options = new SampleOptions(positiveInt(arg, value(args, ++i, arg)), options.seed,
            options.outputDir, options.quiet, options.accumulate);
        case "--seed" -> options = new SampleOptions(options.steps, parseLong(arg, value(args, ++i, arg)),
            options.outputDir, options.quiet, options.accumulate);
        case "--out" -> options = new SampleOptions(options.steps, options.seed, Path.of(value(args, ++i, arg)),
            options.quiet, options.accumulate);
        case "--quiet" -> options = new SampleOptions(options.steps, options.seed, options.outputDir, true,
            options.accumulate);
        case "--accumulate" -> options = new SampleOptions(options.steps, options.seed, options.outputDir,
            options.quiet, positiveInt(arg, value(args, ++i, arg)));
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
    return options;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positiveInt(String option, String text) {
    long value = parseLong(option, text);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(option + " must be a positive integer, got '" + text + "'");
    }
    return (int) value;
  }

  private static long parseLong(String option, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, got '" + text + "'");
    }
  }
}
