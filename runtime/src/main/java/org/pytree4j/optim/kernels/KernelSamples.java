package org.pytree4j.optim.kernels;

/**
 * The small inputs on which the optional kernels ({@link DirectKernels}, {@link NativeKernels}) are
 * checked against the ops' array loops when they load: a few vector lengths and a tail, with gradients
 * of both signs and moments and params that are not round numbers.
 */
record KernelSamples(float[] grads, float[] mu, float[] nu, float[] params) {
  static final int LENGTH = 37;

  static KernelSamples make() {
    float[] g = new float[LENGTH];
    float[] mu = new float[LENGTH];
    float[] nu = new float[LENGTH];
    float[] p = new float[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      g[i] = (i - 17) * 0.37f;
      mu[i] = i * 0.011f;
      nu[i] = i * 0.013f + 0.001f;
      p[i] = 1 - i * 0.05f;
    }
    return new KernelSamples(g, mu, nu, p);
  }
}
