package org.pytree4j.grad;

/**
 * One step of a {@link GradPlan}: an ND4J op with its arguments preset ({@link OpStep}), or one of the
 * plan's own Java kernels ({@link KernelStep}).
 */
abstract class PlanStep {
  private final String name;
  private final int threads;

  PlanStep(String name, int threads) {
    this.name = name;
    this.threads = threads;
  }

  String name() {
    return name;
  }

  /** The thread count this step runs with ({@link OpThreads}). */
  int threads() {
    return threads;
  }

  /** True for products that run in OpenBLAS (their threads are OpenBLAS's). */
  boolean isMatrixProduct() {
    return false;
  }

  abstract void run();

  @Override
  public String toString() {
    return name;
  }
}
