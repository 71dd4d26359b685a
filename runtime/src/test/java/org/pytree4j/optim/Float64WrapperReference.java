package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A float64 reference of Optax's wrappers and combinators, written from Optax's formulas
 * (transforms/_accumulation.py, _combining.py, _conditionality.py, _src/update.py) on flat leaves,
 * over the optimizers of {@link Float64Reference}; independent of the implementation under test.
 */
public final class Float64WrapperReference {
  private Float64WrapperReference() {}

  /** An optimizer of the reference: updates for grads and params, keeping its own state. */
  @FunctionalInterface
  public interface Optimizer extends BiFunction<List<double[]>, List<double[]>, List<double[]>> {}

  /** Optax's ema(decay, debias): ema = (1 - decay) g + decay ema; u = ema / (1 - decay^count). */
  public static final class Ema {
    public double decay;
    public boolean debias = true;
    public int count;
    public List<double[]> ema;

    public List<double[]> step(List<double[]> g) {
      if (ema == null) {
        ema = Float64Reference.zeros(g);
      }
      count++;
      List<double[]> out = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        double[] e = ema.get(l);
        double[] u = new double[e.length];
        for (int i = 0; i < e.length; i++) {
          e[i] = (1 - decay) * g.get(l)[i] + decay * e[i];
          u[i] = debias ? e[i] / (1 - Math.pow(decay, count)) : e[i];
        }
        out.add(u);
      }
      return out;
    }
  }

  /**
   * Optax's MultiSteps: acc = acc + (g - acc) / (mini_step + 1) (or g + acc); every k-th mini-step
   * the inner optimizer updates with acc and acc becomes zero; the others give zero updates.
   */
  public static final class MultiSteps {
    public int k;
    public boolean mean = true;
    public Optimizer inner;
    public int miniStep;
    public int gradientStep;
    public List<double[]> acc;

    public List<double[]> step(List<double[]> g, List<double[]> p) {
      if (acc == null) {
        acc = Float64Reference.zeros(g);
      }
      for (int l = 0; l < g.size(); l++) {
        double[] a = acc.get(l);
        for (int i = 0; i < a.length; i++) {
          a[i] = mean ? a[i] + (g.get(l)[i] - a[i]) / (miniStep + 1) : g.get(l)[i] + a[i];
        }
      }
      if (miniStep < k - 1) {
        miniStep++;
        return Float64Reference.zeros(g);
      }
      List<double[]> u = inner.apply(acc, p);
      acc = Float64Reference.zeros(g);
      miniStep = 0;
      gradientStep++;
      return u;
    }
  }

  /** Optax's apply_if_finite: the inner update unless the grads hold an Inf or NaN, up to max in a row. */
  public static final class ApplyIfFinite {
    public int maxConsecutiveErrors;
    public Optimizer inner;
    public int notfiniteCount;
    public int totalNotfinite;

    public List<double[]> step(List<double[]> g, List<double[]> p) {
      boolean finite = true;
      for (double[] leaf : g) {
        for (double x : leaf) {
          finite &= Double.isFinite(x);
        }
      }
      notfiniteCount = finite ? 0 : notfiniteCount + 1;
      totalNotfinite += finite ? 0 : 1;
      return finite || notfiniteCount > maxConsecutiveErrors ? inner.apply(g, p) : Float64Reference.zeros(g);
    }
  }

  /** Optax's partition: leaf l is updated by optimizer labels[l], which sees only the leaves of its label. */
  public static List<double[]> partition(List<double[]> g, List<double[]> p, String[] labels,
      java.util.Map<String, Optimizer> optimizers) {
    List<double[]> out = new ArrayList<>(g);
    for (java.util.Map.Entry<String, Optimizer> e : optimizers.entrySet()) {
      List<double[]> gs = new ArrayList<>();
      List<double[]> ps = new ArrayList<>();
      for (int l = 0; l < g.size(); l++) {
        if (labels[l].equals(e.getKey())) {
          gs.add(g.get(l));
          ps.add(p.get(l));
        }
      }
      List<double[]> u = e.getValue().apply(gs, ps);
      int k = 0;
      for (int l = 0; l < g.size(); l++) {
        if (labels[l].equals(e.getKey())) {
          out.set(l, u.get(k++));
        }
      }
    }
    return out;
  }

  /** Optax's incremental_update: step_size * new + (1 - step_size) * old. */
  public static List<double[]> incrementalUpdate(List<double[]> fresh, List<double[]> old, double stepSize) {
    List<double[]> out = new ArrayList<>();
    for (int l = 0; l < fresh.size(); l++) {
      double[] r = new double[fresh.get(l).length];
      for (int i = 0; i < r.length; i++) {
        r[i] = stepSize * fresh.get(l)[i] + (1 - stepSize) * old.get(l)[i];
      }
      out.add(r);
    }
    return out;
  }
}
