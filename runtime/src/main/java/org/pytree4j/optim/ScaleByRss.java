package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.INITIAL_ACCUMULATOR_VALUE;

import java.util.List;
import java.util.Map;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_rss(initial_accumulator_value=0.1, eps=1e-7)}: the root of the sum of all
 * squared gradients so far (adagrad). Per element ({@link RssOp}):
 * <pre>
 *   s = g^2 + s
 *   u = (s &gt; 0 ? 1 / sqrt(s + eps) : 0) * g
 * </pre>
 * State: {@link ScaleByRssState}, {@code sum_of_squares} starting at {@code initial_accumulator_value}
 * in the params' dtype. A None update gives a None update and sum. Hyperparameters:
 * {@code initial_accumulator_value} (used by {@code init}), {@code eps}.
 */
public final class ScaleByRss extends InjectableTransformation<ScaleByRss> {
  static final List<Hyperparam> NAMES = List.of(INITIAL_ACCUMULATOR_VALUE, EPS);
  private static final KeyPath SUM_OF_SQUARES = KeyPath.root().attr("sum_of_squares");

  ScaleByRss(Map<Hyperparam, ?> values) {
    super("scale_by_rss", NAMES, values);
  }

  /** Optax's defaults: {@code initial_accumulator_value=0.1, eps=1e-7}. */
  static Map<Hyperparam, Object> defaults() {
    return Map.of(INITIAL_ACCUMULATOR_VALUE, 0.1, EPS, 1e-7);
  }

  public ScaleByRss initialAccumulatorValue(double value) {
    return with(INITIAL_ACCUMULATOR_VALUE, value);
  }

  public ScaleByRss initialAccumulatorValue(Schedule value) {
    return with(INITIAL_ACCUMULATOR_VALUE, value);
  }

  public ScaleByRss eps(double eps) {
    return with(EPS, eps);
  }

  public ScaleByRss eps(Schedule eps) {
    return with(EPS, eps);
  }

  @Override
  ScaleByRss withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByRss(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new ScaleByRssState(UpdateTrees.fullLike(params, constant(INITIAL_ACCUMULATOR_VALUE)));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    ScaleByRssState s = stateAs(state, ScaleByRssState.class, "scale_by_rss");
    UpdateTrees.stateLeaves(UpdateTrees.flatten(updates, "updates"), s.sumOfSquares(), SUM_OF_SQUARES);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    ScaleByRssState s = (ScaleByRssState) state;
    ElementwiseLeaves.Result r = ElementwiseLeaves.run(op(), updates, List.of(s.sumOfSquares()));
    return new UpdateResult(r.updates(), new ScaleByRssState(r.stateTrees().get(0)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    ScaleByRssState s = (ScaleByRssState) state;
    return FusedPart.of(op(), List.of(s.sumOfSquares()), trees -> new ScaleByRssState(trees.get(0)));
  }

  private RssOp op() {
    return new RssOp(constant(EPS));
  }

  /** adagrad's per-element step; state tree: {@code sum_of_squares}. */
  record RssOp(double eps) implements ElementwiseOp.Custom {
    @Override
    public int stateTrees() {
      return 1;
    }

    @Override
    public boolean readsParams() {
      return false;
    }

    /**
     * Optax's {@code where(s > 0, rsqrt(s + eps), 0) * g}. The select stops the JIT from vectorizing
     * the loop (5x slower here), and a sum that is not positive is rare (a zero start with zero
     * gradients, or NaN): so the sums are taken first with their minimum, and the select runs only
     * where that minimum says it may matter. Either loop gives the same bits.
     */
    @Override
    public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
      float[] sum = state[0];
      float eps = (float) this.eps;
      float min = Float.POSITIVE_INFINITY;
      for (int i = from; i < to; i++) {
        float g = u[i];
        float s = g * g + sum[i];
        sum[i] = s;
        min = Math.min(min, s);
      }
      if (min > 0) {
        for (int i = from; i < to; i++) {
          u[i] = (1f / (float) Math.sqrt(sum[i] + eps)) * u[i];
        }
        return;
      }
      for (int i = from; i < to; i++) {
        float s = sum[i];
        float inv = s > 0 ? 1f / (float) Math.sqrt(s + eps) : 0f;
        u[i] = inv * u[i];
      }
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double[] sum = state[0];
      for (int i = from; i < to; i++) {
        double g = u[i];
        double s = g * g + sum[i];
        sum[i] = s;
        u[i] = (s > 0 ? 1 / Math.sqrt(s + eps) : 0) * g;
      }
    }
  }
}
