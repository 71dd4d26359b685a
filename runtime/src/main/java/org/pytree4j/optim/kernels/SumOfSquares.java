package org.pytree4j.optim.kernels;

import java.util.Arrays;

/**
 * The sum of squares behind a global norm, in a fixed order so that a pass split across threads, or
 * fused with others, gives the same bits: float32 leaves are summed in chunks of {@value #CHUNK}
 * squares in float32 ({@link #chunk}), the chunk sums added in order in float64; other leaves in
 * float64 (Optax accumulates in the updates' dtype).
 */
public final class SumOfSquares {
  /** Elements per chunk. */
  public static final int CHUNK = 1024;

  private SumOfSquares() {}

  /** The sum of squares of float32 elements {@code [from, to)}, {@code from} the leaf's start. */
  public static double ofFloat32(float[] g, int from, int to) {
    float[] chunk = new float[CHUNK];
    float[] t = new float[CHUNK / 4];
    float[] u = new float[CHUNK / 8];
    double sum = 0;
    for (int start = from; start < to; start += CHUNK) {
      int n = Math.min(CHUNK, to - start);
      System.arraycopy(g, start, chunk, 0, n);
      Arrays.fill(chunk, n, CHUNK, 0f);
      sum += chunk(chunk, t, u);
    }
    return sum;
  }

  /** The sum of squares of float64 elements {@code [from, to)}. */
  public static double ofFloat64(double[] g, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += g[i] * g[i];
    }
    return sum;
  }

  /**
   * The float32 sum of the squares of {@code x[0, CHUNK)} (zeros past the chunk's elements), in a
   * fixed order that vectorizes: four quarter-chunk squares added per position, then halving sums.
   * {@code t} ({@code CHUNK / 4}) and {@code u} ({@code CHUNK / 8}) are scratch.
   */
  public static float chunk(float[] x, float[] t, float[] u) {
    int q = CHUNK / 4;
    for (int j = 0; j < q; j++) {
      float x0 = x[j];
      float x1 = x[q + j];
      float x2 = x[2 * q + j];
      float x3 = x[3 * q + j];
      t[j] = (x0 * x0 + x1 * x1) + (x2 * x2 + x3 * x3);
    }
    for (int j = 0; j < 128; j++) {
      u[j] = t[j] + t[j + 128];
    }
    for (int j = 0; j < 64; j++) {
      t[j] = u[j] + u[j + 64];
    }
    for (int j = 0; j < 32; j++) {
      u[j] = t[j] + t[j + 32];
    }
    for (int j = 0; j < 16; j++) {
      t[j] = u[j] + u[j + 16];
    }
    for (int j = 0; j < 8; j++) {
      u[j] = t[j] + t[j + 8];
    }
    return ((u[0] + u[4]) + (u[2] + u[6])) + ((u[1] + u[5]) + (u[3] + u[7]));
  }
}
