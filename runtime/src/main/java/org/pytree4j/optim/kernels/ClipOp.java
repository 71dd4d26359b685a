package org.pytree4j.optim.kernels;

/** {@code u = (u / norm) * maxNorm} per element: a {@link GlobalNormClip} once its norm is known and it clips. */
public record ClipOp(double norm, double maxNorm) implements ElementwiseOp {

  @Override
  public int stateTrees() {
    return 0;
  }

  @Override
  public boolean readsParams() {
    return false;
  }

  @Override
  public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
    float n = (float) norm;
    float m = (float) maxNorm;
    for (int i = from; i < to; i++) {
      u[i] = (u[i] / n) * m;
    }
  }

  @Override
  public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
    for (int i = from; i < to; i++) {
      u[i] = (u[i] / norm) * maxNorm;
    }
  }
}
