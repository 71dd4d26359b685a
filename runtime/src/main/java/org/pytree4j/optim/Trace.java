package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.TraceOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code trace(decay, nesterov=False, accumulator_dtype=None)}: momentum. Per element ({@link TraceOp}):
 * <pre>
 *   trace = g + decay * trace
 *   u = trace                          (nesterov: u = g + decay * trace)
 * </pre>
 * State: {@link TraceState}, stored in {@code accumulator_dtype} when given. A None update gives a
 * None update and trace. Hyperparameter: {@code decay}; static: {@code nesterov},
 * {@code accumulator_dtype}.
 */
public final class Trace extends InjectableTransformation<Trace> {
  private static final KeyPath TRACE = KeyPath.root().attr("trace");

  private final boolean nesterov;
  private final DataType accumulatorDtype;

  Trace(Map<Hyperparam, ?> values, boolean nesterov, DataType accumulatorDtype) {
    super("trace", List.of(DECAY), values);
    this.nesterov = nesterov;
    this.accumulatorDtype = FloatTypes.requireFloatingOrNull(accumulatorDtype, "accumulator_dtype");
  }

  public Trace decay(double decay) {
    return with(DECAY, decay);
  }

  public Trace decay(Schedule decay) {
    return with(DECAY, decay);
  }

  public Trace nesterov(boolean nesterov) {
    return new Trace(hyperparams(), nesterov, accumulatorDtype);
  }

  /** The dtype the trace is stored in; null (the default) keeps the dtype of params and updates. */
  public Trace accumulatorDtype(DataType accumulatorDtype) {
    return new Trace(hyperparams(), nesterov, accumulatorDtype);
  }

  @Override
  Trace withHyperparams(Map<Hyperparam, Object> values) {
    return new Trace(values, nesterov, accumulatorDtype);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new TraceState(UpdateTrees.zerosLike(params, accumulatorDtype));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    TraceState s = stateAs(state, TraceState.class, "trace");
    UpdateTrees.stateLeaves(UpdateTrees.flatten(updates, "updates"), s.trace(), TRACE);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    List<Object> traces = u.def.flattenUpTo(((TraceState) state).trace());
    TraceOp op = new TraceOp(constant(DECAY), nesterov);
    Object[] out = new Object[u.size()];
    Object[] newTrace = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      INDArray t = (INDArray) traces.get(i);
      if (LeafBuffers.allFloat32(g, t) && (accumulatorDtype == null || accumulatorDtype == DataType.FLOAT)) {
        float[] gf = LeafBuffers.readFloats(g);
        float[] tf = LeafBuffers.readFloats(t);
        op.runFloat32(gf, new float[][] {tf}, null, 0, gf.length);
        out[i] = LeafBuffers.writeFloats(gf, g.shape());
        newTrace[i] = LeafBuffers.writeFloats(tf, g.shape());
        continue;
      }
      double[] gd = LeafBuffers.read(g);
      double[] td = LeafBuffers.read(t);
      op.runFloat64(gd, new double[][] {td}, null, 0, gd.length);
      DataType type = FloatTypes.promote(g.dataType(), t.dataType());
      out[i] = LeafBuffers.write(gd, g.shape(), type);
      newTrace[i] = LeafBuffers.write(td, g.shape(), accumulatorDtype != null ? accumulatorDtype : type);
    }
    return new UpdateResult(u.unflatten(out), new TraceState(u.unflatten(newTrace)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (accumulatorDtype != null && accumulatorDtype != DataType.FLOAT) {
      return null;
    }
    return FusedPart.of(new TraceOp(constant(DECAY), nesterov), List.of(((TraceState) state).trace()),
        trees -> new TraceState(trees.get(0)));
  }

  @Override
  String staticsString() {
    return (nesterov ? "nesterov=true" : "")
        + (accumulatorDtype == null ? "" : (nesterov ? ", " : "") + "accumulator_dtype=" + FloatTypes.name(accumulatorDtype));
  }
}
