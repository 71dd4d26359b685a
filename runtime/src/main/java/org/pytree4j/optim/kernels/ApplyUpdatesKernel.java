package org.pytree4j.optim.kernels;

/** Optax's {@code apply_updates} per element: {@code p = p + u}, written into {@code p} (a copy of the param). */
public final class ApplyUpdatesKernel {
  private ApplyUpdatesKernel() {}

  /** {@code p[i] = p[i] + u[i]} in float32 for {@code i} in {@code [from, to)}. */
  public static void runFloat32(float[] p, float[] u, int from, int to) {
    for (int i = from; i < to; i++) {
      p[i] = p[i] + u[i];
    }
  }

  /** {@code p[i] += u[i]} in float64. */
  public static void runFloat64(double[] p, double[] u, int from, int to) {
    for (int i = from; i < to; i++) {
      p[i] += u[i];
    }
  }
}
