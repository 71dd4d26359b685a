package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_lion(b1=0.9, b2=0.99, mu_dtype=None)} (Chen et al. 2023, "Symbolic
 * Discovery of Optimization Algorithms"). Per element ({@link LionOp}):
 * <pre>
 *   u  = sign((1 - b1) g + b1 mu)
 *   mu = (1 - b2) g + b2 mu
 * </pre>
 * State: {@link ScaleByLionState}; {@code mu} is stored in {@code mu_dtype} (when given). A None
 * update gives a None update and moment. Hyperparameters: {@code b1}, {@code b2}; static: {@code mu_dtype}.
 */
public final class ScaleByLion extends InjectableTransformation<ScaleByLion> {
  static final List<Hyperparam> NAMES = List.of(B1, B2);
  private static final KeyPath MU = KeyPath.root().attr("mu");

  private final DataType muDtype;

  ScaleByLion(Map<Hyperparam, ?> values, DataType muDtype) {
    super("scale_by_lion", NAMES, values);
    this.muDtype = FloatTypes.requireFloatingOrNull(muDtype, "mu_dtype");
  }

  /** Optax's defaults: {@code b1=0.9, b2=0.99}. */
  static Map<Hyperparam, Object> defaults() {
    return Map.of(B1, 0.9, B2, 0.99);
  }

  public ScaleByLion b1(double b1) {
    return with(B1, b1);
  }

  public ScaleByLion b1(Schedule b1) {
    return with(B1, b1);
  }

  public ScaleByLion b2(double b2) {
    return with(B2, b2);
  }

  public ScaleByLion b2(Schedule b2) {
    return with(B2, b2);
  }

  /** The dtype {@code mu} is stored in; null (the default) keeps the dtype of params and updates. */
  public ScaleByLion muDtype(DataType muDtype) {
    return new ScaleByLion(hyperparams(), muDtype);
  }

  @Override
  ScaleByLion withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByLion(values, muDtype);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new ScaleByLionState(0, UpdateTrees.zerosLike(params, muDtype));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    ScaleByLionState s = stateAs(state, ScaleByLionState.class, "scale_by_lion");
    UpdateTrees.stateLeaves(UpdateTrees.flatten(updates, "updates"), s.mu(), MU);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    ScaleByLionState s = (ScaleByLionState) state;
    ElementwiseLeaves.Result r = ElementwiseLeaves.run(new LionOp(constant(B1), constant(B2)), updates,
        List.of(s.mu()), Arrays.asList(muDtype), null);
    return new UpdateResult(r.updates(),
        new ScaleByLionState(Numerics.safeIncrement(s.count()), r.stateTrees().get(0)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (muDtype != null && muDtype != DataType.FLOAT) {
      return null;
    }
    ScaleByLionState s = (ScaleByLionState) state;
    int count = Numerics.safeIncrement(s.count());
    return FusedPart.of(new LionOp(constant(B1), constant(B2)), List.of(s.mu()),
        trees -> new ScaleByLionState(count, trees.get(0)));
  }

  /**
   * Lion's per-element step; state tree: {@code mu}. In float32 the scalars are rounded once and
   * every operation rounds, as Optax computes float32 leaves; {@code sign} keeps a zero's sign and a NaN.
   */
  record LionOp(double b1, double b2) implements ElementwiseOp.Custom {
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
      float[] mu = state[0];
      float b1 = (float) this.b1;
      float b2 = (float) this.b2;
      float oneMinusB1 = (float) (1 - this.b1);
      float oneMinusB2 = (float) (1 - this.b2);
      for (int i = from; i < to; i++) {
        float g = u[i];
        float m = mu[i];
        u[i] = Math.signum(oneMinusB1 * g + b1 * m);
        mu[i] = oneMinusB2 * g + b2 * m;
      }
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double[] mu = state[0];
      for (int i = from; i < to; i++) {
        double g = u[i];
        double m = mu[i];
        u[i] = Math.signum((1 - b1) * g + b1 * m);
        mu[i] = (1 - b2) * g + b2 * m;
      }
    }
  }

  @Override
  String staticsString() {
    return muDtype == null ? "" : "mu_dtype=" + FloatTypes.name(muDtype);
  }
}
