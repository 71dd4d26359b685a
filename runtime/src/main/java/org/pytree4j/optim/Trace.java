package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
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
    ElementwiseLeaves.Result r = ElementwiseLeaves.run(new TraceOp(constant(DECAY), nesterov), updates,
        List.of(((TraceState) state).trace()), Arrays.asList(accumulatorDtype), null);
    return new UpdateResult(r.updates(), new TraceState(r.stateTrees().get(0)));
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
