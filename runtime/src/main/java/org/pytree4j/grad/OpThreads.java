package org.pytree4j.grad;

import org.nd4j.linalg.factory.Nd4j;

/**
 * How many threads each op of a {@link GradPlan} runs with. On a few cores, waking a second thread
 * for a small op costs more than the op; so ops below a size run on the calling thread alone and only
 * large ones use every core.
 *
 * <p>The knob is the system property {@value #PROPERTY}: {@code auto} (the default) picks per op as
 * above, a number {@code n} runs every op with {@code n} threads. Its value is read when a plan is built.
 */
final class OpThreads {
  static final String PROPERTY = "pytree4j.grad.threads";

  /** Output elements (elementwise ops) or multiply-adds (matrix products) from which an op uses every core. */
  static final long PARALLEL_WORK = 1L << 20;

  private final int fixed;
  private final int max;

  private OpThreads(int fixed, int max) {
    this.fixed = fixed;
    this.max = max;
  }

  static OpThreads fromProperty() {
    String value = System.getProperty(PROPERTY, "auto").trim();
    int max = Math.max(1, Runtime.getRuntime().availableProcessors());
    if (value.equals("auto")) {
      return new OpThreads(0, max);
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return new OpThreads(n, max);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-D" + PROPERTY + " must be 'auto' or a positive thread count, not '" + value + "'");
  }

  /** The thread count for an op of {@code work} elements or multiply-adds. */
  int forWork(long work) {
    if (fixed > 0) {
      return fixed;
    }
    return work >= PARALLEL_WORK ? max : 1;
  }

  /** Runs the steps, each with its thread count, and restores ND4J's thread settings afterwards. */
  void run(PlanStep[] steps) {
    var environment = Nd4j.getEnvironment();
    var blas = Nd4j.factory().blas();
    int masterBefore = environment.maxMasterThreads();
    int threadsBefore = environment.maxThreads();
    int blasBefore = blas.getMaxThreads();
    int current = -1;
    try {
      for (PlanStep step : steps) {
        int threads = step.threads();
        if (threads != current) {
          environment.setMaxMasterThreads(threads);
          environment.setMaxThreads(threads);
          blas.setMaxThreads(threads);
          current = threads;
        }
        step.run();
      }
    } finally {
      environment.setMaxMasterThreads(masterBefore);
      environment.setMaxThreads(threadsBefore);
      blas.setMaxThreads(blasBefore);
    }
  }
}
