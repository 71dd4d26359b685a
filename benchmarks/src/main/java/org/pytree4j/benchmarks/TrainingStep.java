package org.pytree4j.benchmarks;

/** One system's training step on a fixed batch: gradients, then the optimizer. */
interface TrainingStep {
  /** Runs one step; returns the loss it computed before updating (NaN where the system has none). */
  double step();
}
