package org.pytree4j.optim.kernels;

/**
 * One step of Optax's {@code scale_by_adam} per element, with the step's scalars: {@code bc1 = 1 - b1^t},
 * {@code bc2 = 1 - b2^t}, {@code bc1Next = 1 - b1^(t+1)} (for Nesterov). State trees: {@code mu}, {@code nu}.
 * <pre>
 *   mu = (1 - b1) g + b1 mu            nu = (1 - b2) g^2 + b2 nu
 *   u  = mu_hat / (sqrt(nu / bc2 + eps_root) + eps)
 *   mu_hat = mu / bc1                  (nesterov: b1 mu / bc1Next + (1 - b1) g / bc1)
 * </pre>
 */
public record AdamOp(double b1, double b2, double eps, double epsRoot, double bc1, double bc2, double bc1Next,
    boolean nesterov) implements ElementwiseOp {

  @Override
  public int stateTrees() {
    return 2;
  }

  @Override
  public boolean readsParams() {
    return false;
  }

  @Override
  public void runFloat32(float[] g, float[][] state, float[] p, int from, int to) {
    float[] mu = state[0];
    float[] nu = state[1];
    float b1 = (float) this.b1;
    float b2 = (float) this.b2;
    float oneMinusB1 = (float) (1 - this.b1);
    float oneMinusB2 = (float) (1 - this.b2);
    float bc1 = (float) this.bc1;
    float bc2 = (float) this.bc2;
    float eps = (float) this.eps;
    float epsRoot = (float) this.epsRoot;
    if (nesterov) {
      float bc1Next = (float) this.bc1Next;
      for (int i = from; i < to; i++) {
        float gi = g[i];
        float m = oneMinusB1 * gi + b1 * mu[i];
        float v = oneMinusB2 * (gi * gi) + b2 * nu[i];
        mu[i] = m;
        nu[i] = v;
        float mHat = b1 * (m / bc1Next) + oneMinusB1 * (gi / bc1);
        g[i] = mHat / ((float) Math.sqrt(v / bc2 + epsRoot) + eps);
      }
      return;
    }
    for (int i = from; i < to; i++) {
      float gi = g[i];
      float m = oneMinusB1 * gi + b1 * mu[i];
      float v = oneMinusB2 * (gi * gi) + b2 * nu[i];
      mu[i] = m;
      nu[i] = v;
      g[i] = (m / bc1) / ((float) Math.sqrt(v / bc2 + epsRoot) + eps);
    }
  }

  @Override
  public void runFloat64(double[] g, double[][] state, double[] p, int from, int to) {
    double[] mu = state[0];
    double[] nu = state[1];
    for (int i = from; i < to; i++) {
      double gi = g[i];
      double m = (1 - b1) * gi + b1 * mu[i];
      double v = (1 - b2) * (gi * gi) + b2 * nu[i];
      double mHat = nesterov ? b1 * (m / bc1Next) + (1 - b1) * (gi / bc1) : m / bc1;
      double vHat = v / bc2;
      g[i] = mHat / (Math.sqrt(vHat + epsRoot) + eps);
      mu[i] = m;
      nu[i] = v;
    }
  }
}
