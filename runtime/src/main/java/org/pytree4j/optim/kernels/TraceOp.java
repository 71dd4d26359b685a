package org.pytree4j.optim.kernels;

/**
 * Optax's {@code trace} (momentum) per element: {@code trace = g + decay * trace}, {@code u = trace}
 * ({@code nesterov}: {@code u = g + decay * trace}). State tree: {@code trace}.
 */
public record TraceOp(double decay, boolean nesterov) implements ElementwiseOp {

  @Override
  public int stateTrees() {
    return 1;
  }

  @Override
  public boolean readsParams() {
    return false;
  }

  @Override
  public void runFloat32(float[] g, float[][] state, float[] p, int from, int to) {
    float[] trace = state[0];
    float d = (float) decay;
    for (int i = from; i < to; i++) {
      float gi = g[i];
      float t = gi + d * trace[i];
      trace[i] = t;
      g[i] = nesterov ? gi + d * t : t;
    }
  }

  @Override
  public void runFloat64(double[] g, double[][] state, double[] p, int from, int to) {
    double[] trace = state[0];
    for (int i = from; i < to; i++) {
      double gi = g[i];
      double t = gi + decay * trace[i];
      g[i] = nesterov ? gi + decay * t : t;
      trace[i] = t;
    }
  }
}
