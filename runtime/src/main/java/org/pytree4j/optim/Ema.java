package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code ema(decay, debias=True, accumulator_dtype=None)}: the exponential moving average of
 * the <em>updates</em> that reach it (not of the params; for an average of the params see Optax's
 * {@code incremental_update}). With {@code t = count + 1} (saturating), per element ({@link EmaOp}):
 * <pre>
 *   ema = (1 - decay) g + decay ema
 *   u = ema                            (debias: ema / (1 - decay^t))
 * </pre>
 * The state keeps the average before debiasing, stored in {@code accumulator_dtype} when given.
 * State: {@link EmaState}. A None update gives a None update and average. Hyperparameter:
 * {@code decay}; static: {@code debias}, {@code accumulator_dtype}. {@code trace} differs: it keeps
 * {@code g + decay * trace}.
 */
public final class Ema extends InjectableTransformation<Ema> {
  private static final KeyPath EMA = KeyPath.root().attr("ema");

  private final boolean debias;
  private final DataType accumulatorDtype;

  Ema(Map<Hyperparam, ?> values, boolean debias, DataType accumulatorDtype) {
    super("ema", List.of(DECAY), values);
    this.debias = debias;
    this.accumulatorDtype = FloatTypes.requireFloatingOrNull(accumulatorDtype, "accumulator_dtype");
  }

  public Ema decay(double decay) {
    return with(DECAY, decay);
  }

  public Ema decay(Schedule decay) {
    return with(DECAY, decay);
  }

  /** Whether the updates are debiased by {@code 1 - decay^t} (true, the default); the state never is. */
  public Ema debias(boolean debias) {
    return new Ema(hyperparams(), debias, accumulatorDtype);
  }

  /** The dtype the average is stored in; null (the default) keeps the dtype of params and updates. */
  public Ema accumulatorDtype(DataType accumulatorDtype) {
    return new Ema(hyperparams(), debias, accumulatorDtype);
  }

  @Override
  Ema withHyperparams(Map<Hyperparam, Object> values) {
    return new Ema(values, debias, accumulatorDtype);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new EmaState(0, UpdateTrees.zerosLike(params, accumulatorDtype));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    EmaState s = stateAs(state, EmaState.class, "ema");
    UpdateTrees.stateLeaves(UpdateTrees.flatten(updates, "updates"), s.ema(), EMA);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    EmaState s = (EmaState) state;
    int count = Numerics.safeIncrement(s.count());
    ElementwiseLeaves.Result r = ElementwiseLeaves.run(op(count), updates, List.of(s.ema()),
        Collections.singletonList(accumulatorDtype), null);
    return new UpdateResult(r.updates(), new EmaState(count, r.stateTrees().get(0)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (accumulatorDtype != null && accumulatorDtype != DataType.FLOAT) {
      return null;
    }
    EmaState s = (EmaState) state;
    int count = Numerics.safeIncrement(s.count());
    return FusedPart.of(op(count), List.of(s.ema()), trees -> new EmaState(count, trees.get(0)));
  }

  private EmaOp op(int t) {
    double decay = constant(DECAY);
    return new EmaOp(decay, debias ? 1 - Math.pow(decay, t) : 1, debias);
  }

  /** The moving average per element, with {@code bc = 1 - decay^t} when debiased; state tree: {@code ema}. */
  record EmaOp(double decay, double bc, boolean debias) implements ElementwiseOp.Custom {
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
      float[] ema = state[0];
      float decay = (float) this.decay;
      float oneMinusDecay = (float) (1 - this.decay);
      float bc = (float) this.bc;
      for (int i = from; i < to; i++) {
        float e = oneMinusDecay * u[i] + decay * ema[i];
        ema[i] = e;
        u[i] = debias ? e / bc : e;
      }
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double[] ema = state[0];
      for (int i = from; i < to; i++) {
        double e = (1 - decay) * u[i] + decay * ema[i];
        ema[i] = e;
        u[i] = debias ? e / bc : e;
      }
    }
  }

  @Override
  String staticsString() {
    return (debias ? "" : "debias=false")
        + (accumulatorDtype == null ? "" : (debias ? "" : ", ") + "accumulator_dtype=" + FloatTypes.name(accumulatorDtype));
  }
}
