package org.pytree4j.optim.kernels;

/** {@code u = factor * u} per element (Optax's {@code scale}, and every learning rate). */
public record ScaleOp(double factor) implements ElementwiseOp {

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
    float f = (float) factor;
    for (int i = from; i < to; i++) {
      u[i] = u[i] * f;
    }
  }

  @Override
  public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
    for (int i = from; i < to; i++) {
      u[i] = factor * u[i];
    }
  }
}
