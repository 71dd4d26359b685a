package org.pytree4j.optim;

import org.pytree4j.optim.kernels.SumOfSquares;

/**
 * The per-leaf norms of {@code scale_by_trust_ratio}, {@code clip_by_block_rms} and
 * {@code scale_by_param_block_rms}. A float32 leaf's sum of squares is taken as for
 * {@code clip_by_global_norm} (float32 sums of chunks, added in float64) and the result rounded to
 * float32, as Optax computes a float32 norm; other leaves in float64.
 */
final class LeafNorms {
  private LeafNorms() {}

  /** {@code sqrt(sum(x^2))}, Optax's {@code jnp.linalg.norm} of a float32 leaf. */
  static float norm(float[] x) {
    return (float) Math.sqrt(SumOfSquares.ofFloat32(x, 0, x.length));
  }

  static double norm(double[] x) {
    return Math.sqrt(SumOfSquares.ofFloat64(x, 0, x.length));
  }

  /** {@code sqrt(mean(x^2))} of a float32 leaf (NaN for an empty one, as in Optax). */
  static float rms(float[] x) {
    float mean = (float) (SumOfSquares.ofFloat32(x, 0, x.length) / x.length);
    return (float) Math.sqrt(mean);
  }

  static double rms(double[] x) {
    return Math.sqrt(SumOfSquares.ofFloat64(x, 0, x.length) / x.length);
  }
}
