package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.EPS_ROOT;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_belief(b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16, *, nesterov=False)}
 * (AdaBelief, Zhuang et al. 2020). With {@code t = count + 1} (saturating), per element
 * ({@link BeliefOp}):
 * <pre>
 *   mu = (1 - b1) g + b1 mu
 *   nu = (1 - b2) (g - mu)^2 + b2 nu + eps_root
 *   mu_hat = mu / (1 - b1^t)           (nesterov: b1 mu / (1 - b1^(t+1)) + (1 - b1) g / (1 - b1^t))
 *   u = mu_hat / (sqrt(nu / (1 - b2^t)) + eps)
 * </pre>
 * State: {@link ScaleByBeliefState}. A None update gives a None update and moments. Hyperparameters:
 * {@code b1}, {@code b2}, {@code eps}, {@code eps_root}; static: {@code nesterov}.
 */
public final class ScaleByBelief extends InjectableTransformation<ScaleByBelief> {
  static final List<Hyperparam> NAMES = List.of(B1, B2, EPS, EPS_ROOT);
  private static final KeyPath MU = KeyPath.root().attr("mu");
  private static final KeyPath NU = KeyPath.root().attr("nu");

  private final boolean nesterov;

  ScaleByBelief(Map<Hyperparam, ?> values, boolean nesterov) {
    super("scale_by_belief", NAMES, values);
    this.nesterov = nesterov;
  }

  /** Optax's defaults: {@code b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16}. */
  static Map<Hyperparam, Object> defaults() {
    return Map.of(B1, 0.9, B2, 0.999, EPS, 1e-16, EPS_ROOT, 1e-16);
  }

  public ScaleByBelief b1(double b1) {
    return with(B1, b1);
  }

  public ScaleByBelief b1(Schedule b1) {
    return with(B1, b1);
  }

  public ScaleByBelief b2(double b2) {
    return with(B2, b2);
  }

  public ScaleByBelief b2(Schedule b2) {
    return with(B2, b2);
  }

  public ScaleByBelief eps(double eps) {
    return with(EPS, eps);
  }

  public ScaleByBelief eps(Schedule eps) {
    return with(EPS, eps);
  }

  public ScaleByBelief epsRoot(double epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  public ScaleByBelief epsRoot(Schedule epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  /** Nesterov momentum, as in {@code scale_by_adam}. */
  public ScaleByBelief nesterov(boolean nesterov) {
    return new ScaleByBelief(hyperparams(), nesterov);
  }

  @Override
  ScaleByBelief withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByBelief(values, nesterov);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new ScaleByBeliefState(0, UpdateTrees.zerosLike(params, null), UpdateTrees.zerosLike(params, null));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    ScaleByBeliefState s = stateAs(state, ScaleByBeliefState.class, "scale_by_belief");
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    UpdateTrees.stateLeaves(u, s.mu(), MU);
    UpdateTrees.stateLeaves(u, s.nu(), NU);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    ScaleByBeliefState s = (ScaleByBeliefState) state;
    int count = Numerics.safeIncrement(s.count());
    ElementwiseLeaves.Result r = ElementwiseLeaves.run(op(count), updates, Arrays.asList(s.mu(), s.nu()));
    return new UpdateResult(r.updates(), new ScaleByBeliefState(count, r.stateTrees().get(0), r.stateTrees().get(1)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    ScaleByBeliefState s = (ScaleByBeliefState) state;
    int count = Numerics.safeIncrement(s.count());
    return FusedPart.of(op(count), Arrays.asList(s.mu(), s.nu()),
        trees -> new ScaleByBeliefState(count, trees.get(0), trees.get(1)));
  }

  /** The per-element step {@code t} (the incremented count), with Optax's bias corrections for it. */
  private BeliefOp op(int t) {
    double b1 = constant(B1);
    double b2 = constant(B2);
    return new BeliefOp(b1, b2, constant(EPS), constant(EPS_ROOT), 1 - Math.pow(b1, t), 1 - Math.pow(b2, t),
        1 - Math.pow(b1, Numerics.safeIncrement(t)), nesterov);
  }

  /**
   * AdaBelief's per-element step with the step's bias corrections {@code bc1 = 1 - b1^t},
   * {@code bc2 = 1 - b2^t}, {@code bc1Next = 1 - b1^(t+1)}; state trees: {@code mu}, {@code nu}.
   */
  record BeliefOp(double b1, double b2, double eps, double epsRoot, double bc1, double bc2, double bc1Next,
      boolean nesterov) implements ElementwiseOp.Custom {
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
      float oneMinusB2 = (float) (1 - this.b2);
      float eps = (float) this.eps;
      float epsRoot = (float) this.epsRoot;
      float bc1 = (float) this.bc1;
      float bc2 = (float) this.bc2;
      float bc1Next = (float) this.bc1Next;
      for (int i = from; i < to; i++) {
        float g = u[i];
        float m = oneMinusB1 * g + b1 * mu[i];
        float e = g - m;
        float v = (oneMinusB2 * (e * e) + b2 * nu[i]) + epsRoot;
        mu[i] = m;
        nu[i] = v;
        float mHat = nesterov ? b1 * (m / bc1Next) + oneMinusB1 * (g / bc1) : m / bc1;
        u[i] = mHat / ((float) Math.sqrt(v / bc2) + eps);
      }
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double[] mu = state[0];
      double[] nu = state[1];
      for (int i = from; i < to; i++) {
        double g = u[i];
        double m = (1 - b1) * g + b1 * mu[i];
        double e = g - m;
        double v = ((1 - b2) * (e * e) + b2 * nu[i]) + epsRoot;
        mu[i] = m;
        nu[i] = v;
        double mHat = nesterov ? b1 * (m / bc1Next) + (1 - b1) * (g / bc1) : m / bc1;
        u[i] = mHat / (Math.sqrt(v / bc2) + eps);
      }
    }
  }

  @Override
  String staticsString() {
    return nesterov ? "nesterov=true" : "";
  }
}
