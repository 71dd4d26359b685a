package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.MAX_NORM;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code clip_by_global_norm(max_norm)}: with {@code g_norm = sqrt(sum of g^2 over every
 * leaf)}, the updates are unchanged when {@code g_norm < max_norm} and otherwise each leaf becomes
 * {@code (g / g_norm) * max_norm}. State: {@link EmptyState}. Hyperparameter: {@code max_norm}.
 *
 * <p>The sum of squares is accumulated in float64 (Optax accumulates in the updates' dtype).
 */
public final class ClipByGlobalNorm extends InjectableTransformation<ClipByGlobalNorm> {

  ClipByGlobalNorm(Map<Hyperparam, ?> values) {
    super("clip_by_global_norm", List.of(MAX_NORM), values);
  }

  public ClipByGlobalNorm maxNorm(double maxNorm) {
    return with(MAX_NORM, maxNorm);
  }

  public ClipByGlobalNorm maxNorm(Schedule maxNorm) {
    return with(MAX_NORM, maxNorm);
  }

  @Override
  ClipByGlobalNorm withHyperparams(Map<Hyperparam, Object> values) {
    return new ClipByGlobalNorm(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    stateAs(state, EmptyState.class, "clip_by_global_norm");
    UpdateTrees.flatten(updates, "updates");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    double maxNorm = constant(MAX_NORM);
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    double[][] leaves = new double[u.size()][];
    double sumOfSquares = 0;
    for (int i = 0; i < leaves.length; i++) {
      if (u.array(i) != null) {
        leaves[i] = LeafBuffers.read(u.array(i));
        sumOfSquares += sumOfSquares(leaves[i], 0, leaves[i].length);
      }
    }
    double norm = Math.sqrt(sumOfSquares);
    if (norm < maxNorm) {
      return new UpdateResult(updates, state);
    }
    Object[] out = new Object[leaves.length];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g != null) {
        double[] od = new double[leaves[i].length];
        kernel(leaves[i], od, 0, od.length, norm, maxNorm);
        out[i] = LeafBuffers.write(od, g.shape(), g.dataType());
      }
    }
    return new UpdateResult(u.unflatten(out), state);
  }

  /** The first pass: the sum of squares of {@code g[from..to)}. */
  static double sumOfSquares(double[] g, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += g[i] * g[i];
    }
    return sum;
  }

  /** The second pass, when clipping: {@code out = (g / norm) * maxNorm}. */
  static void kernel(double[] g, double[] out, int from, int to, double norm, double maxNorm) {
    for (int i = from; i < to; i++) {
      out[i] = (g[i] / norm) * maxNorm;
    }
  }
}
