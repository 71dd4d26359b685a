package org.pytree4j.benchmarks;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The floor: the same float32 arithmetic as the fused optimizer step (Optax's adam, a learning-rate
 * scale, {@code p + u}; for the clip case a chunked pairwise sum of squares first), written as plain
 * loops over Java float arrays, in place, with no framework: one read of p, g, mu, nu and one write
 * of p, mu, nu. Nothing that keeps separate states apart can be faster.
 */
final class FloorKernels {
  static final int CHUNK = 1024;
  private static final ExecutorService SECOND = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "floor-second-core");
    t.setDaemon(true);
    return t;
  });

  private FloorKernels() {}

  /** One adam step with update scale {@code -lr} (and clip factor {@code clip} = maxNorm / norm, or 1). */
  static void adam(float[] p, float[] g, float[] mu, float[] nu, int from, int to, int t, double lr, double clipNorm,
      double maxNorm) {
    float b1 = 0.9f;
    float b2 = 0.999f;
    float oneMinusB1 = (float) (1 - 0.9);
    float oneMinusB2 = (float) (1 - 0.999);
    float bc1 = (float) (1 - Math.pow(0.9, t));
    float bc2 = (float) (1 - Math.pow(0.999, t));
    float eps = 1e-8f;
    float scale = (float) -lr;
    if (clipNorm > 0) {
      float n = (float) clipNorm;
      float m = (float) maxNorm;
      for (int i = from; i < to; i++) {
        float gi = (g[i] / n) * m;
        float mi = oneMinusB1 * gi + b1 * mu[i];
        float vi = oneMinusB2 * (gi * gi) + b2 * nu[i];
        mu[i] = mi;
        nu[i] = vi;
        float u = (mi / bc1) / ((float) Math.sqrt(vi / bc2 + 0f) + eps);
        p[i] = p[i] + u * scale;
      }
      return;
    }
    for (int i = from; i < to; i++) {
      float gi = g[i];
      float mi = oneMinusB1 * gi + b1 * mu[i];
      float vi = oneMinusB2 * (gi * gi) + b2 * nu[i];
      mu[i] = mi;
      nu[i] = vi;
      float u = (mi / bc1) / ((float) Math.sqrt(vi / bc2 + 0f) + eps);
      p[i] = p[i] + u * scale;
    }
  }

  /** Sum of squares as the optimizer computes it: float32 chunks of 1024 (quarters, then halving sums), summed in float64. */
  static double sumOfSquares(float[] g, int from, int to) {
    float[] x = new float[CHUNK];
    float[] t = new float[CHUNK / 4];
    float[] u = new float[CHUNK / 8];
    double sum = 0;
    for (int start = from; start < to; start += CHUNK) {
      int n = Math.min(CHUNK, to - start);
      System.arraycopy(g, start, x, 0, n);
      java.util.Arrays.fill(x, n, CHUNK, 0f);
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
      sum += ((u[0] + u[4]) + (u[2] + u[6])) + ((u[1] + u[5]) + (u[3] + u[7]));
    }
    return sum;
  }

  /** Runs {@code first} on a second core and {@code second} here. */
  static void onTwoCores(Runnable first, Runnable second) {
    Future<?> f = SECOND.submit(first);
    second.run();
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
