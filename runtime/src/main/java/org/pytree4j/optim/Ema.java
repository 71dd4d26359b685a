package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code ema(decay, debias=True, accumulator_dtype=None)}: an exponential moving average of
 * the <em>updates</em> it is given (a transformation in a chain, like {@code trace}), not of the
 * params; for an average of the params (Polyak averaging, EMA or target weights) use
 * {@link Optax#incrementalUpdate}. With {@code t = count + 1} (saturating), per element ({@link EmaOp}):
 * <pre>
 *   ema = (1 - decay) g + decay ema
 *   u   = ema / (1 - decay^t)          (debias=False: u = ema)
 * </pre>
 * State: {@link EmaState}; the state keeps the average before the bias correction, stored in
 * {@code accumulator_dtype} when given. A None update gives a None update and average.
 * Hyperparameter: {@code decay}; static: {@code debias}, {@code accumulator_dtype}.
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

  /** Whether the updates are divided by {@code 1 - decay^t} (default true). */
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
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    List<Object> emas = u.def.flattenUpTo(s.ema());
    int count = Numerics.safeIncrement(s.count());
    EmaOp op = op(count);
    Object[] out = new Object[u.size()];
    Object[] newEma = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      INDArray e = (INDArray) emas.get(i);
      if (LeafBuffers.allFloat32(g, e) && (accumulatorDtype == null || accumulatorDtype == DataType.FLOAT)) {
        float[] gf = LeafBuffers.readFloats(g);
        float[] ef = LeafBuffers.readFloats(e);
        op.runFloat32(gf, new float[][] {ef}, null, 0, gf.length);
        out[i] = LeafBuffers.writeFloats(gf, g.shape());
        newEma[i] = LeafBuffers.writeFloats(ef, g.shape());
        continue;
      }
      double[] gd = LeafBuffers.read(g);
      double[] ed = LeafBuffers.read(e);
      op.runFloat64(gd, new double[][] {ed}, null, 0, gd.length);
      DataType type = FloatTypes.promote(g.dataType(), e.dataType());
      out[i] = LeafBuffers.write(gd, g.shape(), type);
      newEma[i] = LeafBuffers.write(ed, g.shape(), accumulatorDtype != null ? accumulatorDtype : type);
    }
    return new UpdateResult(u.unflatten(out), new EmaState(count, u.unflatten(newEma)));
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

  /** The op for step {@code t} (the incremented count): Optax's bias correction {@code 1 - decay^t} for it. */
  private EmaOp op(int t) {
    double decay = constant(DECAY);
    return new EmaOp(decay, debias ? 1 - Math.pow(decay, t) : 1.0, debias);
  }

  /**
   * The moving average per element; state tree: {@code ema}. In float32 the scalars are rounded
   * once ({@code 1 - decay} and the bias correction computed in float64) and every operation rounds,
   * as Optax computes float32 leaves.
   */
  record EmaOp(double decay, double biasCorrection, boolean debias) implements ElementwiseOp.Custom {
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
      float d = (float) decay;
      float oneMinusD = (float) (1 - decay);
      float bc = (float) biasCorrection;
      for (int i = from; i < to; i++) {
        float e = oneMinusD * u[i] + d * ema[i];
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
        u[i] = debias ? e / biasCorrection : e;
      }
    }
  }

  @Override
  String staticsString() {
    return (debias ? "" : "debias=false")
        + (accumulatorDtype == null ? "" : (debias ? "" : ", ") + "accumulator_dtype=" + FloatTypes.name(accumulatorDtype));
  }
}
