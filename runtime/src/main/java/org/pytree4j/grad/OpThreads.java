package org.pytree4j.grad;

import org.nd4j.linalg.factory.Nd4j;

/**
 * How many threads the ops of a {@link GradPlan} run with. On a few cores, waking a second thread for a
 * small op costs more than the op, so by default ops below {@link #PARALLEL_WORK} run on the calling
 * thread alone and larger ones on every core:
 *
 * <ul>
 *   <li>libnd4j's own ops (elementwise, reductions, softmax ...) get their count op by op, through
 *       {@code Environment.setMaxMasterThreads} and, on the CPU backend, OpenMP's thread count (which
 *       libnd4j's legacy loops follow instead): cheap calls, restored after the run. Without the latter a
 *       1-thread op still opened a 2-thread OpenMP region, whose spinning threads made a tiny model's
 *       gradient 20 times slower when other processes competed for the cores;
 *   <li>matrix products run in OpenBLAS, whose thread count costs 0.4 to 0.9 ms to change here: it is set
 *       once per plan, from the plan's largest product, only when it differs from the current setting,
 *       and left so (it is a process-wide setting of OpenBLAS).
 * </ul>
 *
 * <p>The knob is the system property {@value #PROPERTY}: {@code auto} (the default) picks as above; a
 * number {@code n} runs every op with {@code n} threads. It is read when a plan is built.
 */
final class OpThreads {
  static final String PROPERTY = "pytree4j.grad.threads";

  /** Output elements (libnd4j ops) or multiply-adds (matrix products) from which an op uses every core. */
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

  /** The fixed thread count of the knob, else {@code automatic}. */
  int fixedOr(int automatic) {
    return fixed > 0 ? fixed : automatic;
  }

  /** Runs the steps, each with its thread count, with OpenBLAS at {@code blasThreads}. */
  static void run(PlanStep[] steps, int blasThreads) {
    var blas = Nd4j.factory().blas();
    if (blas.getMaxThreads() != blasThreads) {
      blas.setMaxThreads(blasThreads);
    }
    var environment = Nd4j.getEnvironment();
    int before = environment.maxMasterThreads();
    int ompBefore = DirectExec.AVAILABLE ? DirectExec.ompThreads() : -1;
    int current = -1;
    try {
      for (PlanStep step : steps) {
        int threads = step.threads();
        if (threads != current) {
          environment.setMaxMasterThreads(threads);
          if (ompBefore > 0) {
            DirectExec.setOmpThreads(threads);
          }
          current = threads;
        }
        step.run();
      }
    } finally {
      environment.setMaxMasterThreads(before);
      if (ompBefore > 0) {
        DirectExec.setOmpThreads(ompBefore);
      }
    }
  }
}
