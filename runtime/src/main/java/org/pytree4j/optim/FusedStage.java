package org.pytree4j.optim;

/**
 * One transformation's per-element arithmetic inside a fused step, applied to a block of elements
 * held in scratch arrays: {@code updates} is transformed in place; {@code state} holds this stage's
 * state leaves (e.g. Adam's {@code mu} and {@code nu}), updated in place; {@code params} is read only.
 * Implementations call the same float32 kernels as the unfused transformations, so a fused step
 * gives the same bits.
 */
@FunctionalInterface
interface FusedStage {
  void run(float[] updates, float[][] state, float[] params, int n);
}
