package org.pytree4j.benchmarks;

import java.util.Random;

/** The floor's params, grads and moments as Java arrays: Gaussian params, small Gaussian grads, zero moments. */
final class FloorArrays {
  final float[] p;
  final float[] g;
  final float[] mu;
  final float[] nu;

  FloorArrays(int size) {
    Random r = new Random(1);
    p = new float[size];
    g = new float[size];
    mu = new float[size];
    nu = new float[size];
    for (int i = 0; i < size; i++) {
      p[i] = (float) r.nextGaussian();
      g[i] = (float) (0.01 * r.nextGaussian());
    }
  }
}
