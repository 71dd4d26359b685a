package org.pytree4j.optim.kernels;

/** {@code u = u + weightDecay * p} per element (Optax's {@code add_decayed_weights}). */
public record DecayOp(double weightDecay) implements ElementwiseOp {

  @Override
  public int stateTrees() {
    return 0;
  }

  @Override
  public boolean readsParams() {
    return true;
  }

  @Override
  public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
    float wd = (float) weightDecay;
    for (int i = from; i < to; i++) {
      u[i] = u[i] + wd * p[i];
    }
  }

  @Override
  public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
    for (int i = from; i < to; i++) {
      u[i] = u[i] + weightDecay * p[i];
    }
  }
}
