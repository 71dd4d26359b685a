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
 * Optax's {@code scale_by_rms(decay=0.9, eps=1e-8, initial_scale=0.0, eps_in_sqrt=True,
 * bias_correction=False)}: rmsprop's scaling. With {@code t = count + 1} (saturating), per element
 * ({@link RmsOp}):
 * <pre>
 *   nu = (1 - decay) g^2 + decay nu
 *   nu_hat = nu                        (bias_correction: nu / (1 - decay^t))
 *   u = g / sqrt(nu_hat + eps)         (eps_in_sqrt=False: g / (sqrt(nu_hat) + eps))
 * </pre>
 * State: {@link ScaleByRmsState}, or {@link ScaleByRmsWithCountState} with bias correction;
 * {@code nu} starts at {@code initial_scale} in the params' dtype. A None update gives a None update
 * and moment. Hyperparameters: {@code decay}, {@code eps}, {@code initial_scale} (used by
 * {@code init}); static: {@code eps_in_sqrt}, {@code bias_correction}.
 */
public final class ScaleByRms extends InjectableTransformation<ScaleByRms> {
  static final List<Hyperparam> NAMES = List.of(DECAY, EPS, INITIAL_SCALE);
  private static final KeyPath NU = KeyPath.root().attr("nu");

  private final boolean epsInSqrt;
  private final boolean biasCorrection;

  ScaleByRms(Map<Hyperparam, ?> values, boolean epsInSqrt, boolean biasCorrection) {
    super("scale_by_rms", NAMES, values);
    this.epsInSqrt = epsInSqrt;
    this.biasCorrection = biasCorrection;
  }

  /** Optax's defaults: {@code decay=0.9, eps=1e-8, initial_scale=0.0}. */
  static Map<Hyperparam, Object> defaults() {
    return Map.of(DECAY, 0.9, EPS, 1e-8, INITIAL_SCALE, 0.0);
  }

  public ScaleByRms decay(double decay) {
    return with(DECAY, decay);
  }

  public ScaleByRms decay(Schedule decay) {
    return with(DECAY, decay);
  }

  public ScaleByRms eps(double eps) {
    return with(EPS, eps);
  }

  public ScaleByRms eps(Schedule eps) {
    return with(EPS, eps);
  }

  /** The value {@code nu} starts at: PyTorch uses 0 (the default), TF1 uses 1. */
  public ScaleByRms initialScale(double initialScale) {
    return with(INITIAL_SCALE, initialScale);
  }

  public ScaleByRms initialScale(Schedule initialScale) {
    return with(INITIAL_SCALE, initialScale);
  }

  /** Whether {@code eps} is added inside the square root (Optax's default, true) or outside (PyTorch's). */
  public ScaleByRms epsInSqrt(boolean epsInSqrt) {
    return new ScaleByRms(hyperparams(), epsInSqrt, biasCorrection);
  }

  /** Whether {@code nu} is bias-corrected (the state then counts updates). */
  public ScaleByRms biasCorrection(boolean biasCorrection) {
    return new ScaleByRms(hyperparams(), epsInSqrt, biasCorrection);
  }

  @Override
  ScaleByRms withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByRms(values, epsInSqrt, biasCorrection);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    Object nu = UpdateTrees.fullLike(params, constant(INITIAL_SCALE));
    return biasCorrection ? new ScaleByRmsWithCountState(0, nu) : new ScaleByRmsState(nu);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    Object nu = biasCorrection
        ? stateAs(state, ScaleByRmsWithCountState.class, "scale_by_rms(bias_correction=True)").nu()
        : stateAs(state, ScaleByRmsState.class, "scale_by_rms").nu();
    UpdateTrees.stateLeaves(UpdateTrees.flatten(updates, "updates"), nu, NU);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    int count = nextCount(state);
    ElementwiseLeaves.Result r = ElementwiseLeaves.run(op(count), updates, List.of(nu(state)));
    return new UpdateResult(r.updates(), newState(count, r.stateTrees().get(0)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (!(biasCorrection ? state instanceof ScaleByRmsWithCountState : state instanceof ScaleByRmsState)) {
      return null;
    }
    int count = nextCount(state);
    return FusedPart.of(op(count), List.of(nu(state)), trees -> newState(count, trees.get(0)));
  }

  private static Object nu(OptState state) {
    return state instanceof ScaleByRmsWithCountState s ? s.nu() : ((ScaleByRmsState) state).nu();
  }

  /** The incremented count (bias correction), or 0 (none kept). */
  private int nextCount(OptState state) {
    return biasCorrection ? Numerics.safeIncrement(((ScaleByRmsWithCountState) state).count()) : 0;
  }

  private OptState newState(int count, Object nu) {
    return biasCorrection ? new ScaleByRmsWithCountState(count, nu) : new ScaleByRmsState(nu);
  }

  private RmsOp op(int count) {
    double decay = constant(DECAY);
    return new RmsOp(decay, constant(EPS), biasCorrection ? 1 - Math.pow(decay, count) : 1, biasCorrection, epsInSqrt);
  }

  /**
   * rmsprop's per-element step; state tree: {@code nu}. {@code bc = 1 - decay^t} divides {@code nu}
   * when {@code biasCorrection}.
   */
  record RmsOp(double decay, double eps, double bc, boolean biasCorrection, boolean epsInSqrt)
      implements ElementwiseOp.Custom {
    @Override
    public int stateTrees() {
      return 1;
    }

    @Override
    public boolean readsParams() {
      return false;
    }

    @Override
    public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
      float[] nu = state[0];
      float decay = (float) this.decay;
      float oneMinusDecay = (float) (1 - this.decay);
      float eps = (float) this.eps;
      float bc = (float) this.bc;
      for (int i = from; i < to; i++) {
        float g = u[i];
        float v = oneMinusDecay * (g * g) + decay * nu[i];
        nu[i] = v;
        float vHat = biasCorrection ? v / bc : v;
        float scaling = epsInSqrt ? 1f / (float) Math.sqrt(vHat + eps) : 1f / ((float) Math.sqrt(vHat) + eps);
        u[i] = scaling * g;
      }
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double[] nu = state[0];
      for (int i = from; i < to; i++) {
        double g = u[i];
        double v = (1 - decay) * (g * g) + decay * nu[i];
        nu[i] = v;
        double vHat = biasCorrection ? v / bc : v;
        double scaling = epsInSqrt ? 1 / Math.sqrt(vHat + eps) : 1 / (Math.sqrt(vHat) + eps);
        u[i] = scaling * g;
      }
    }
  }

  @Override
  String staticsString() {
    return (epsInSqrt ? "" : "eps_in_sqrt=false") + (biasCorrection ? (epsInSqrt ? "" : ", ") + "bias_correction=true" : "");
  }
}
