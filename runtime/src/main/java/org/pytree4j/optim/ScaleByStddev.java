package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.INITIAL_SCALE;

import java.util.List;
import java.util.Map;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_stddev(decay=0.9, eps=1e-8, initial_scale=0.0, eps_in_sqrt=True,
 * bias_correction=False)}: centered rmsprop's scaling, by the root of the variance. With
 * {@code t = count + 1} (saturating), per element ({@link StddevOp}):
 * <pre>
 *   mu = (1 - decay) g + decay mu      nu = (1 - decay) g^2 + decay nu
 *   mu_hat, nu_hat = mu, nu            (bias_correction: mu / (1 - decay^t), nu / (1 - decay^t))
 *   u = g / sqrt(nu_hat - mu_hat^2 + eps)     (eps_in_sqrt=False: g / (sqrt(nu_hat - mu_hat^2) + eps))
 * </pre>
 * State: {@link ScaleByRStdDevState}, or {@link ScaleByRStdDevWithCountState} with bias correction;
 * {@code mu} starts at zero, {@code nu} at {@code initial_scale}, in the params' dtype. A None update
 * gives a None update and moments. Hyperparameters: {@code decay}, {@code eps}, {@code initial_scale}
 * (used by {@code init}); static: {@code eps_in_sqrt}, {@code bias_correction}.
 */
public final class ScaleByStddev extends InjectableTransformation<ScaleByStddev> {
  static final List<Hyperparam> NAMES = List.of(DECAY, EPS, INITIAL_SCALE);
  private static final KeyPath MU = KeyPath.root().attr("mu");
  private static final KeyPath NU = KeyPath.root().attr("nu");

  private final boolean epsInSqrt;
  private final boolean biasCorrection;

  ScaleByStddev(Map<Hyperparam, ?> values, boolean epsInSqrt, boolean biasCorrection) {
    super("scale_by_stddev", NAMES, values);
    this.epsInSqrt = epsInSqrt;
    this.biasCorrection = biasCorrection;
  }

  /** Optax's defaults: {@code decay=0.9, eps=1e-8, initial_scale=0.0}. */
  static Map<Hyperparam, Object> defaults() {
    return ScaleByRms.defaults();
  }

  public ScaleByStddev decay(double decay) {
    return with(DECAY, decay);
  }

  public ScaleByStddev decay(Schedule decay) {
    return with(DECAY, decay);
  }

  public ScaleByStddev eps(double eps) {
    return with(EPS, eps);
  }

  public ScaleByStddev eps(Schedule eps) {
    return with(EPS, eps);
  }

  /** The value {@code nu} starts at ({@code mu} starts at zero). */
  public ScaleByStddev initialScale(double initialScale) {
    return with(INITIAL_SCALE, initialScale);
  }

  public ScaleByStddev initialScale(Schedule initialScale) {
    return with(INITIAL_SCALE, initialScale);
  }

  /** Whether {@code eps} is added inside the square root (Optax's default, true) or outside. */
  public ScaleByStddev epsInSqrt(boolean epsInSqrt) {
    return new ScaleByStddev(hyperparams(), epsInSqrt, biasCorrection);
  }

  /** Whether {@code mu} and {@code nu} are bias-corrected (the state then counts updates). */
  public ScaleByStddev biasCorrection(boolean biasCorrection) {
    return new ScaleByStddev(hyperparams(), epsInSqrt, biasCorrection);
  }

  @Override
  ScaleByStddev withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByStddev(values, epsInSqrt, biasCorrection);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    Object mu = UpdateTrees.zerosLike(params, null);
    Object nu = UpdateTrees.fullLike(params, constant(INITIAL_SCALE));
    return biasCorrection ? new ScaleByRStdDevWithCountState(0, mu, nu) : new ScaleByRStdDevState(mu, nu);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    List<Object> moments = biasCorrection
        ? moments(stateAs(state, ScaleByRStdDevWithCountState.class, "scale_by_stddev(bias_correction=True)"))
        : moments(stateAs(state, ScaleByRStdDevState.class, "scale_by_stddev"));
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    UpdateTrees.stateLeaves(u, moments.get(0), MU);
    UpdateTrees.stateLeaves(u, moments.get(1), NU);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    int count = nextCount(state);
    ElementwiseLeaves.Result r = ElementwiseLeaves.run(op(count), updates, moments(state));
    return new UpdateResult(r.updates(), newState(count, r.stateTrees()));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (!(biasCorrection ? state instanceof ScaleByRStdDevWithCountState : state instanceof ScaleByRStdDevState)) {
      return null;
    }
    int count = nextCount(state);
    return FusedPart.of(op(count), moments(state), trees -> newState(count, trees));
  }

  private static List<Object> moments(OptState state) {
    if (state instanceof ScaleByRStdDevWithCountState s) {
      return java.util.Arrays.asList(s.mu(), s.nu());
    }
    ScaleByRStdDevState s = (ScaleByRStdDevState) state;
    return java.util.Arrays.asList(s.mu(), s.nu());
  }

  /** The incremented count (bias correction), or 0 (none kept). */
  private int nextCount(OptState state) {
    return biasCorrection ? Numerics.safeIncrement(((ScaleByRStdDevWithCountState) state).count()) : 0;
  }

  private OptState newState(int count, List<Object> trees) {
    return biasCorrection
        ? new ScaleByRStdDevWithCountState(count, trees.get(0), trees.get(1))
        : new ScaleByRStdDevState(trees.get(0), trees.get(1));
  }

  private StddevOp op(int count) {
    double decay = constant(DECAY);
    return new StddevOp(decay, constant(EPS), biasCorrection ? 1 - Math.pow(decay, count) : 1, biasCorrection,
        epsInSqrt);
  }

  /**
   * Centered rmsprop's per-element step; state trees: {@code mu}, {@code nu}. {@code bc = 1 - decay^t}
   * divides both when {@code biasCorrection}.
   */
  record StddevOp(double decay, double eps, double bc, boolean biasCorrection, boolean epsInSqrt)
      implements ElementwiseOp.Custom {
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
      float decay = (float) this.decay;
      float oneMinusDecay = (float) (1 - this.decay);
      float eps = (float) this.eps;
      float bc = (float) this.bc;
      for (int i = from; i < to; i++) {
        float g = u[i];
        float m = oneMinusDecay * g + decay * mu[i];
        float v = oneMinusDecay * (g * g) + decay * nu[i];
        mu[i] = m;
        nu[i] = v;
        float mHat = biasCorrection ? m / bc : m;
        float vHat = biasCorrection ? v / bc : v;
        float variance = vHat - mHat * mHat;
        float scaling = epsInSqrt ? 1f / (float) Math.sqrt(variance + eps) : 1f / ((float) Math.sqrt(variance) + eps);
        u[i] = scaling * g;
      }
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double[] mu = state[0];
      double[] nu = state[1];
      for (int i = from; i < to; i++) {
        double g = u[i];
        double m = (1 - decay) * g + decay * mu[i];
        double v = (1 - decay) * (g * g) + decay * nu[i];
        mu[i] = m;
        nu[i] = v;
        double mHat = biasCorrection ? m / bc : m;
        double vHat = biasCorrection ? v / bc : v;
        double variance = vHat - mHat * mHat;
        double scaling = epsInSqrt ? 1 / Math.sqrt(variance + eps) : 1 / (Math.sqrt(variance) + eps);
        u[i] = scaling * g;
      }
    }
  }

  @Override
  String staticsString() {
    return (epsInSqrt ? "" : "eps_in_sqrt=false") + (biasCorrection ? (epsInSqrt ? "" : ", ") + "bias_correction=true" : "");
  }
}
