package org.pytree4j.optim;

/**
 * A stage's arithmetic as the native adam kernel knows it ({@link NativeKernels}): a scale, the
 * leading clip once its norm is known, adam, or decayed weights. Stages without one run in Java.
 */
record NativeOp(Kind kind, double first, double second, ScaleByAdam.Coefficients adam) {
  enum Kind { SCALE, CLIP, ADAM, DECAY }

  /** {@code u * (float) factor}, as {@link Scale#kernel(float[], float[], int, int, double)}. */
  static NativeOp scale(double factor) {
    return new NativeOp(Kind.SCALE, factor, 0, null);
  }

  /** {@code (u / norm) * maxNorm}, as {@link ClipByGlobalNorm#kernel(float[], float[], int, int, double, double)}. */
  static NativeOp clip(double norm, double maxNorm) {
    return new NativeOp(Kind.CLIP, norm, maxNorm, null);
  }

  /** {@link ScaleByAdam#kernel(float[], float[], float[], float[], int, int, ScaleByAdam.Coefficients)}. */
  static NativeOp adam(ScaleByAdam.Coefficients c) {
    return new NativeOp(Kind.ADAM, 0, 0, c);
  }

  /** {@code u + weightDecay * p}, as {@link AddDecayedWeights#kernel(float[], float[], float[], int, int, double)}. */
  static NativeOp decay(double weightDecay) {
    return new NativeOp(Kind.DECAY, weightDecay, 0, null);
  }
}
