package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;
import static org.pytree4j.optim.Hyperparam.EPS;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_adamax(b1=0.9, b2=0.999, eps=1e-8)}: Adam with the infinity norm. With
 * {@code t = count + 1} (saturating), per element ({@link AdamaxOp}):
 * <pre>
 *   mu = (1 - b1) g + b1 mu
 *   nu = max(|g| + eps, b2 nu)
 *   u = (mu / (1 - b1^t)) / nu
 * </pre>
 * State: {@link ScaleByAdamState} (Optax keeps adamax's moments in Adam's state). A None update gives
 * a None update and moments. Hyperparameters: {@code b1}, {@code b2}, {@code eps}.
 */
public final class ScaleByAdamax extends InjectableTransformation<ScaleByAdamax> {
  static final List<Hyperparam> NAMES = List.of(B1, B2, EPS);
  private static final KeyPath MU = KeyPath.root().attr("mu");
  private static final KeyPath NU = KeyPath.root().attr("nu");

  ScaleByAdamax(Map<Hyperparam, ?> values) {
    super("scale_by_adamax", NAMES, values);
  }

  /** Optax's defaults: {@code b1=0.9, b2=0.999, eps=1e-8}. */
  static Map<Hyperparam, Object> defaults() {
    return Map.of(B1, 0.9, B2, 0.999, EPS, 1e-8);
  }

  public ScaleByAdamax b1(double b1) {
    return with(B1, b1);
  }

  public ScaleByAdamax b1(Schedule b1) {
    return with(B1, b1);
  }

  public ScaleByAdamax b2(double b2) {
    return with(B2, b2);
  }

  public ScaleByAdamax b2(Schedule b2) {
    return with(B2, b2);
  }

  public ScaleByAdamax eps(double eps) {
    return with(EPS, eps);
  }

  public ScaleByAdamax eps(Schedule eps) {
    return with(EPS, eps);
  }

  @Override
  ScaleByAdamax withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByAdamax(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new ScaleByAdamState(0, UpdateTrees.zerosLike(params, null), UpdateTrees.zerosLike(params, null));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    ScaleByAdamState s = stateAs(state, ScaleByAdamState.class, "scale_by_adamax");
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    UpdateTrees.stateLeaves(u, s.mu(), MU);
    UpdateTrees.stateLeaves(u, s.nu(), NU);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    ScaleByAdamState s = (ScaleByAdamState) state;
    int count = Numerics.safeIncrement(s.count());
    ElementwiseLeaves.Result r = ElementwiseLeaves.run(op(count), updates, Arrays.asList(s.mu(), s.nu()));
    return new UpdateResult(r.updates(), new ScaleByAdamState(count, r.stateTrees().get(0), r.stateTrees().get(1)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    ScaleByAdamState s = (ScaleByAdamState) state;
    int count = Numerics.safeIncrement(s.count());
    return FusedPart.of(op(count), Arrays.asList(s.mu(), s.nu()),
        trees -> new ScaleByAdamState(count, trees.get(0), trees.get(1)));
  }

  private AdamaxOp op(int t) {
    double b1 = constant(B1);
    return new AdamaxOp(b1, constant(B2), constant(EPS), 1 - Math.pow(b1, t));
  }

  /** Adamax's per-element step with {@code bc1 = 1 - b1^t}; state trees: {@code mu}, {@code nu}. */
  record AdamaxOp(double b1, double b2, double eps, double bc1) implements ElementwiseOp.Custom {
    @Override
    public int stateTrees() {
      return 2;
    }

    @Override
    public boolean readsParams() {
      return false;
    }

    @Override
    public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
      float[] mu = state[0];
      float[] nu = state[1];
      float b1 = (float) this.b1;
      float b2 = (float) this.b2;
      float oneMinusB1 = (float) (1 - this.b1);
      float eps = (float) this.eps;
      float bc1 = (float) this.bc1;
      for (int i = from; i < to; i++) {
        float g = u[i];
        float m = oneMinusB1 * g + b1 * mu[i];
        float v = Math.max(Math.abs(g) + eps, b2 * nu[i]);
        mu[i] = m;
        nu[i] = v;
        u[i] = (m / bc1) / v;
      }
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double[] mu = state[0];
      double[] nu = state[1];
      for (int i = from; i < to; i++) {
        double g = u[i];
        double m = (1 - b1) * g + b1 * mu[i];
        double v = Math.max(Math.abs(g) + eps, b2 * nu[i]);
        mu[i] = m;
        nu[i] = v;
        u[i] = (m / bc1) / v;
      }
    }
  }
}
