package org.pytree4j.optim.kernels;

/**
 * Optax's {@code clip_by_global_norm(max_norm)}: not elementwise by itself, since every element needs
 * the norm of all of them ({@link SumOfSquares}), so it runs in two passes: the norm first, then
 * {@link #resolve}'s {@link ClipOp}, or nothing when Optax's trigger says the updates stay as they are.
 * {@code overOneVector}: the norm is summed as over one leaf of every element (inside Optax's
 * {@code flatten}), which chunks the sum differently.
 */
public record GlobalNormClip(double maxNorm, boolean overOneVector) implements ElementwiseOp {

  /** Optax's trigger: the updates are scaled unless {@code norm < maxNorm}. */
  public static boolean clips(double norm, double maxNorm) {
    return !(norm < maxNorm);
  }

  /** The per-element op once the global {@code norm} is known, or null when nothing changes. */
  public ClipOp resolve(double norm) {
    return clips(norm, maxNorm) ? new ClipOp(norm, maxNorm) : null;
  }

  /** This clip, its norm summed as over one vector. */
  public GlobalNormClip ofOneVector() {
    return new GlobalNormClip(maxNorm, true);
  }

  @Override
  public int stateTrees() {
    return 0;
  }

  @Override
  public boolean readsParams() {
    return false;
  }

  /** Not per element: {@link #resolve} it with the global norm first. */
  @Override
  public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
    throw new UnsupportedOperationException("a global-norm clip needs the norm first: resolve(norm)");
  }

  /** Not per element: {@link #resolve} it with the global norm first. */
  @Override
  public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
    throw new UnsupportedOperationException("a global-norm clip needs the norm first: resolve(norm)");
  }
}
