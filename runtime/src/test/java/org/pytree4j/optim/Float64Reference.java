package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * A float64 reference of Optax's optimizers written straight from Optax's formulas (alias.py,
 * transform.py, _accumulation.py, _adding.py, _clipping.py), on flat leaves, independent of the
 * implementation under test.
 */
public final class Float64Reference {
  private Float64Reference() {}

  /** Optax's scale_by_adam (optionally nesterov), add_decayed_weights and scale_by_learning_rate. */
  public static final class Adam {
    public double b1 = 0.9;
    public double b2 = 0.999;
    public double eps = 1e-8;
    public double epsRoot = 0.0;
    public double weightDecay = 0.0;
    public boolean nesterov;
    public int count;
    public List<double[]> mu;
    public List<double[]> nu;

    /** The updates for grads {@code g}, params {@code p} and learning rate {@code lr}. */
    public List<double[]> step(List<double[]> g, List<double[]> p, double lr) {
      if (mu == null) {
        mu = zeros(g);
        nu = zeros(g);
      }
      count++;
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] gl = g.get(l);
        double[] m = mu.get(l);
        double[] v = nu.get(l);
        double[] u = new double[gl.length];
        for (int i = 0; i < gl.length; i++) {
          m[i] = (1 - b1) * gl[i] + b1 * m[i];
          v[i] = (1 - b2) * gl[i] * gl[i] + b2 * v[i];
          double mHat = nesterov
              ? b1 * m[i] / (1 - Math.pow(b1, count + 1)) + (1 - b1) * gl[i] / (1 - Math.pow(b1, count))
              : m[i] / (1 - Math.pow(b1, count));
          double vHat = v[i] / (1 - Math.pow(b2, count));
          double adam = mHat / (Math.sqrt(vHat + epsRoot) + eps);
          u[i] = -lr * (adam + weightDecay * p.get(l)[i]);
        }
        out.add(u);
      }
      return out;
    }
  }

  /** Optax's lion: scale_by_lion(b1, b2), add_decayed_weights(weight_decay), scale_by_learning_rate. */
  public static final class Lion {
    public double b1 = 0.9;
    public double b2 = 0.99;
    public double weightDecay = 1e-3;
    public List<double[]> mu;

    /** The updates for grads {@code g}, params {@code p} and learning rate {@code lr}. */
    public List<double[]> step(List<double[]> g, List<double[]> p, double lr) {
      if (mu == null) {
        mu = zeros(g);
      }
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] gl = g.get(l);
        double[] m = mu.get(l);
        double[] u = new double[gl.length];
        for (int i = 0; i < gl.length; i++) {
          double sign = Math.signum((1 - b1) * gl[i] + b1 * m[i]);
          m[i] = (1 - b2) * gl[i] + b2 * m[i];
          u[i] = -lr * (sign + weightDecay * p.get(l)[i]);
        }
        out.add(u);
      }
      return out;
    }
  }

  /** Optax's sgd: trace(momentum, nesterov) then scale(-lr). */
  public static final class Sgd {
    public double momentum;
    public boolean nesterov;
    public List<double[]> trace;

    public List<double[]> step(List<double[]> g, double lr) {
      if (trace == null) {
        trace = zeros(g);
      }
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] gl = g.get(l);
        double[] t = trace.get(l);
        double[] u = new double[gl.length];
        for (int i = 0; i < gl.length; i++) {
          t[i] = gl[i] + momentum * t[i];
          u[i] = -lr * (nesterov ? gl[i] + momentum * t[i] : t[i]);
        }
        out.add(u);
      }
      return out;
    }
  }

  /** Optax's clip_by_global_norm. */
  public static List<double[]> clipByGlobalNorm(List<double[]> g, double maxNorm) {
    double sum = 0;
    for (double[] gl : g) {
      for (double x : gl) {
        sum += x * x;
      }
    }
    double norm = Math.sqrt(sum);
    if (norm < maxNorm) {
      return g;
    }
    List<double[]> out = new ArrayList<>();
    for (double[] gl : g) {
      double[] c = new double[gl.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = gl[i] / norm * maxNorm;
      }
      out.add(c);
    }
    return out;
  }

  /** Optax's warmup_cosine_decay_schedule, from its docstring formula. */
  public static double warmupCosineDecay(double init, double peak, long warmup, long decaySteps, double end, long t) {
    if (t < warmup) {
      return init + (peak - init) * t / warmup;
    }
    double k = Math.min(t - warmup, decaySteps - warmup);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * k / (decaySteps - warmup)));
    double alpha = end / peak;
    return peak * ((1 - alpha) * cosine + alpha);
  }

  public static List<double[]> add(List<double[]> p, List<double[]> u) {
    List<double[]> out = new ArrayList<>();
    for (int l = 0; l < p.size(); l++) {
      double[] r = p.get(l).clone();
      for (int i = 0; i < r.length; i++) {
        r[i] += u.get(l)[i];
      }
      out.add(r);
    }
    return out;
  }

  public static List<double[]> zeros(List<double[]> like) {
    List<double[]> out = new ArrayList<>();
    for (double[] a : like) {
      out.add(new double[a.length]);
    }
    return out;
  }
}
