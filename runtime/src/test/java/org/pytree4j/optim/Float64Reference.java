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

  /** Optax's adagrad: scale_by_rss(initial_accumulator_value, eps), scale_by_learning_rate. */
  public static final class Adagrad {
    public double initialAccumulatorValue = 0.1;
    public double eps = 1e-7;
    public List<double[]> sumOfSquares;

    public List<double[]> step(List<double[]> g, double lr) {
      if (sumOfSquares == null) {
        sumOfSquares = full(g, initialAccumulatorValue);
      }
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] gl = g.get(l);
        double[] s = sumOfSquares.get(l);
        double[] u = new double[gl.length];
        for (int i = 0; i < gl.length; i++) {
          s[i] += gl[i] * gl[i];
          double inv = s[i] > 0 ? 1 / Math.sqrt(s[i] + eps) : 0;
          u[i] = -lr * inv * gl[i];
        }
        out.add(u);
      }
      return out;
    }
  }

  /** Optax's adabelief: scale_by_belief(b1, b2, eps, eps_root, nesterov), scale_by_learning_rate. */
  public static final class Adabelief {
    public double b1 = 0.9;
    public double b2 = 0.999;
    public double eps = 1e-16;
    public double epsRoot = 1e-16;
    public boolean nesterov;
    public int count;
    public List<double[]> mu;
    public List<double[]> nu;

    public List<double[]> step(List<double[]> g, double lr) {
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
          m[i] = b1 * m[i] + (1 - b1) * gl[i];
          double residual = gl[i] - m[i];
          v[i] = b2 * v[i] + (1 - b2) * residual * residual + epsRoot;
          double mHat = nesterov
              ? b1 * m[i] / (1 - Math.pow(b1, count + 1)) + (1 - b1) * gl[i] / (1 - Math.pow(b1, count))
              : m[i] / (1 - Math.pow(b1, count));
          double vHat = v[i] / (1 - Math.pow(b2, count));
          u[i] = -lr * mHat / (Math.sqrt(vHat) + eps);
        }
        out.add(u);
      }
      return out;
    }
  }

  /** Optax's adamax: scale_by_adamax(b1, b2, eps), scale_by_learning_rate. */
  public static final class Adamax {
    public double b1 = 0.9;
    public double b2 = 0.999;
    public double eps = 1e-8;
    public int count;
    public List<double[]> mu;
    public List<double[]> nu;

    public List<double[]> step(List<double[]> g, double lr) {
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
          m[i] = b1 * m[i] + (1 - b1) * gl[i];
          v[i] = Math.max(Math.abs(gl[i]) + eps, b2 * v[i]);
          u[i] = -lr * (m[i] / (1 - Math.pow(b1, count))) / v[i];
        }
        out.add(u);
      }
      return out;
    }
  }

  /**
   * Optax's rmsprop: scale_by_rms or (centered) scale_by_stddev, with eps inside or outside the root
   * and optional bias correction; scale_by_learning_rate; then trace(momentum, nesterov) when given.
   */
  public static final class Rmsprop {
    public double decay = 0.9;
    public double eps = 1e-8;
    public double initialScale;
    public boolean epsInSqrt = true;
    public boolean centered;
    public boolean biasCorrection;
    public Double momentum;
    public boolean nesterov;
    public int count;
    public List<double[]> mu;
    public List<double[]> nu;
    public List<double[]> trace;

    public List<double[]> step(List<double[]> g, double lr) {
      if (nu == null) {
        mu = zeros(g);
        nu = full(g, initialScale);
        trace = zeros(g);
      }
      count++;
      double bc = biasCorrection ? 1 - Math.pow(decay, count) : 1;
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] gl = g.get(l);
        double[] m = mu.get(l);
        double[] v = nu.get(l);
        double[] t = trace.get(l);
        double[] u = new double[gl.length];
        for (int i = 0; i < gl.length; i++) {
          m[i] = decay * m[i] + (1 - decay) * gl[i];
          v[i] = decay * v[i] + (1 - decay) * gl[i] * gl[i];
          double variance = centered ? v[i] / bc - (m[i] / bc) * (m[i] / bc) : v[i] / bc;
          double scaled = epsInSqrt ? gl[i] / Math.sqrt(variance + eps) : gl[i] / (Math.sqrt(variance) + eps);
          double step = -lr * scaled;
          if (momentum != null) {
            t[i] = step + momentum * t[i];
            step = nesterov ? step + momentum * t[i] : t[i];
          }
          u[i] = step;
        }
        out.add(u);
      }
      return out;
    }
  }

  /** Optax's scale_by_trust_ratio on one leaf: the factor its update is multiplied by. */
  static double trustRatio(double[] p, double[] u, double minNorm, double coefficient, double eps) {
    double paramNorm = Math.max(norm(p), minNorm);
    double updateNorm = Math.max(norm(u), minNorm);
    return paramNorm == 0 || updateNorm == 0 ? 1 : coefficient * paramNorm / (updateNorm + eps);
  }

  /**
   * Optax's lamb: scale_by_adam(b1, b2, eps, eps_root), add_decayed_weights(weight_decay),
   * scale_by_trust_ratio(), scale_by_learning_rate.
   */
  public static final class Lamb {
    public final Adam adam = new Adam();
    public double weightDecay;

    public Lamb() {
      adam.eps = 1e-6;
    }

    public List<double[]> step(List<double[]> g, List<double[]> p, double lr) {
      List<double[]> adamUpdates = adam.step(g, p, -1);
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] u = adamUpdates.get(l).clone();
        for (int i = 0; i < u.length; i++) {
          u[i] += weightDecay * p.get(l)[i];
        }
        double ratio = trustRatio(p.get(l), u, 0, 1, 0);
        for (int i = 0; i < u.length; i++) {
          u[i] = -lr * u[i] * ratio;
        }
        out.add(u);
      }
      return out;
    }
  }

  /**
   * Optax's lars with masks True: add_decayed_weights(weight_decay), scale_by_trust_ratio(trust_coefficient,
   * eps), scale_by_learning_rate, trace(momentum, nesterov).
   */
  public static final class Lars {
    public double weightDecay;
    public double trustCoefficient = 0.001;
    public double eps;
    public double momentum = 0.9;
    public boolean nesterov;
    public List<double[]> trace;

    public List<double[]> step(List<double[]> g, List<double[]> p, double lr) {
      if (trace == null) {
        trace = zeros(g);
      }
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] u = g.get(l).clone();
        for (int i = 0; i < u.length; i++) {
          u[i] += weightDecay * p.get(l)[i];
        }
        double ratio = trustRatio(p.get(l), u, 0, trustCoefficient, eps);
        double[] t = trace.get(l);
        for (int i = 0; i < u.length; i++) {
          double step = -lr * u[i] * ratio;
          t[i] = step + momentum * t[i];
          u[i] = nesterov ? step + momentum * t[i] : t[i];
        }
        out.add(u);
      }
      return out;
    }
  }

  /**
   * Optax's adafactor: scale_by_factored_rms, clip_by_block_rms, scale by the learning rate,
   * scale_by_param_block_rms, ema (not debiased), add_decayed_weights, scale(-1), each optional as in
   * alias.py. Factoring follows factorized.py: over the largest dimension d0 and the second largest d1
   * (numpy's stable argsort), when d1's size is at least minDimSizeToFactor. Indices are unraveled
   * and raveled per element.
   */
  public static final class Adafactor {
    public final List<long[]> shapes;
    public Double learningRate;
    public double decayRate = 0.8;
    public int decayOffset;
    public int minDimSizeToFactor = 128;
    public boolean multiplyByParameterScale = true;
    public Double clippingThreshold = 1.0;
    public Double momentum;
    public Double weightDecayRate;
    public double eps = 1e-30;
    public boolean factored = true;
    public int count;
    public List<double[]> vRow;
    public List<double[]> vCol;
    public List<double[]> v;
    public List<double[]> ema;

    public Adafactor(List<long[]> shapes) {
      this.shapes = shapes;
    }

    /** {d0, d1}, or null when the leaf is not factored. */
    int[] dims(long[] shape) {
      if (!factored || shape.length < 2) {
        return null;
      }
      List<Integer> axes = new ArrayList<>();
      for (int i = 0; i < shape.length; i++) {
        axes.add(i);
      }
      axes.sort((a, b) -> shape[a] != shape[b] ? Long.compare(shape[a], shape[b]) : Integer.compare(a, b));
      int d0 = axes.get(shape.length - 1);
      int d1 = axes.get(shape.length - 2);
      return shape[d1] < minDimSizeToFactor ? null : new int[] {d0, d1};
    }

    public List<double[]> step(List<double[]> g, List<double[]> p) {
      if (vRow == null) {
        vRow = new ArrayList<>();
        vCol = new ArrayList<>();
        v = new ArrayList<>();
        for (long[] shape : shapes) {
          int[] d = dims(shape);
          vRow.add(new double[d == null ? 1 : (int) (size(shape) / shape[d[0]])]);
          vCol.add(new double[d == null ? 1 : (int) (size(shape) / shape[d[1]])]);
          v.add(new double[d == null ? (int) size(shape) : 1]);
        }
        ema = zeros(g);
      }
      int s = Math.max(count - decayOffset, 0);
      double decay = 1 - Math.pow(s + 1, -decayRate);
      count++;
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] gl = g.get(l);
        long[] shape = shapes.get(l);
        int[] d = dims(shape);
        double[] u = new double[gl.length];
        if (d == null) {
          double[] vl = v.get(l);
          for (int i = 0; i < gl.length; i++) {
            vl[i] = decay * vl[i] + (1 - decay) * (gl[i] * gl[i] + eps);
            u[i] = gl[i] / Math.sqrt(vl[i]);
          }
        } else {
          long[] rowShape = drop(shape, d[0]);
          long[] colShape = drop(shape, d[1]);
          double[] rowMean = new double[vRow.get(l).length];
          double[] colMean = new double[vCol.get(l).length];
          for (int i = 0; i < gl.length; i++) {
            long[] index = unravel(i, shape);
            rowMean[ravel(drop(index, d[0]), rowShape)] += (gl[i] * gl[i] + eps) / shape[d[0]];
            colMean[ravel(drop(index, d[1]), colShape)] += (gl[i] * gl[i] + eps) / shape[d[1]];
          }
          double[] row = vRow.get(l);
          double[] col = vCol.get(l);
          for (int j = 0; j < row.length; j++) {
            row[j] = decay * row[j] + (1 - decay) * rowMean[j];
          }
          for (int j = 0; j < col.length; j++) {
            col[j] = decay * col[j] + (1 - decay) * colMean[j];
          }
          // the mean of v_row along the axis d1 has in it
          int rd1 = d[1] > d[0] ? d[1] - 1 : d[1];
          long[] bothShape = drop(rowShape, rd1);
          double[] rowColMean = new double[(int) size(bothShape)];
          for (int j = 0; j < row.length; j++) {
            rowColMean[ravel(drop(unravel(j, rowShape), rd1), bothShape)] += row[j] / rowShape[rd1];
          }
          for (int i = 0; i < gl.length; i++) {
            long[] index = unravel(i, shape);
            long[] rowIndex = drop(index, d[0]);
            double r = row[ravel(rowIndex, rowShape)] / rowColMean[ravel(drop(rowIndex, rd1), bothShape)];
            u[i] = gl[i] / Math.sqrt(r) / Math.sqrt(col[ravel(drop(index, d[1]), colShape)]);
          }
        }
        if (clippingThreshold != null) {
          double denominator = Math.max(1, rms(u) / clippingThreshold);
          for (int i = 0; i < u.length; i++) {
            u[i] /= denominator;
          }
        }
        double factor = (learningRate == null ? 1 : learningRate)
            * (multiplyByParameterScale ? Math.max(rms(p.get(l)), 1e-3) : 1);
        double[] e = ema.get(l);
        for (int i = 0; i < u.length; i++) {
          u[i] *= factor;
          if (momentum != null) {
            e[i] = momentum * e[i] + (1 - momentum) * u[i];
            u[i] = e[i];
          }
          if (weightDecayRate != null) {
            u[i] += weightDecayRate * p.get(l)[i];
          }
          u[i] = -u[i];
        }
        out.add(u);
      }
      return out;
    }

    private static long size(long[] shape) {
      long n = 1;
      for (long s : shape) {
        n *= s;
      }
      return n;
    }

    private static long[] drop(long[] a, int axis) {
      long[] out = new long[a.length - 1];
      for (int i = 0, k = 0; i < a.length; i++) {
        if (i != axis) {
          out[k++] = a[i];
        }
      }
      return out;
    }

    private static long[] unravel(long linear, long[] shape) {
      long[] index = new long[shape.length];
      for (int k = shape.length - 1; k >= 0; k--) {
        index[k] = linear % shape[k];
        linear /= shape[k];
      }
      return index;
    }

    private static int ravel(long[] index, long[] shape) {
      long linear = 0;
      for (int k = 0; k < shape.length; k++) {
        linear = linear * shape[k] + index[k];
      }
      return (int) linear;
    }
  }

  static double norm(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v * v;
    }
    return Math.sqrt(sum);
  }

  static double rms(double[] x) {
    return norm(x) / Math.sqrt(x.length);
  }

  public static List<double[]> full(List<double[]> like, double value) {
    List<double[]> out = new ArrayList<>();
    for (double[] a : like) {
      double[] f = new double[a.length];
      java.util.Arrays.fill(f, value);
      out.add(f);
    }
    return out;
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
