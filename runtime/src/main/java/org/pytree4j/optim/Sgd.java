package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;
import static org.pytree4j.optim.Hyperparam.MOMENTUM;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code sgd(learning_rate, momentum=None, nesterov=False, accumulator_dtype=None)}:
 * {@code chain(trace(momentum, nesterov, accumulator_dtype) if momentum is not None else identity(),
 * scale_by_learning_rate(learning_rate))}. State: {@code (TraceState or EmptyState, EmptyState)}.
 * Hyperparameters: {@code learning_rate}, and {@code momentum} when given; static: {@code nesterov},
 * {@code accumulator_dtype}.
 */
public final class Sgd extends ChainAlias<Sgd> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, MOMENTUM);

  private final boolean nesterov;
  private final DataType accumulatorDtype;
  private final Chain delegate;

  Sgd(Map<Hyperparam, ?> values, boolean nesterov, DataType accumulatorDtype) {
    super("sgd", NAMES, values);
    this.nesterov = nesterov;
    this.accumulatorDtype = accumulatorDtype;
    Object momentum = value(MOMENTUM);
    GradientTransformation first = momentum == null
        ? Identity.INSTANCE
        : new Trace(Map.of(DECAY, momentum), nesterov, accumulatorDtype);
    this.delegate = new Chain(List.of(first, new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true)));
  }

  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>();
    values.put(LEARNING_RATE, learningRate);
    return values;
  }

  public Sgd learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Sgd learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  /** The momentum (the decay of a {@code trace}); without it (the default) there is none. */
  public Sgd momentum(double momentum) {
    return with(MOMENTUM, momentum);
  }

  public Sgd momentum(Schedule momentum) {
    return with(MOMENTUM, momentum);
  }

  public Sgd nesterov(boolean nesterov) {
    return new Sgd(hyperparams(), nesterov, accumulatorDtype);
  }

  /** The dtype the momentum is stored in; null (the default) keeps the dtype of params and updates. */
  public Sgd accumulatorDtype(DataType accumulatorDtype) {
    return new Sgd(hyperparams(), nesterov, accumulatorDtype);
  }

  @Override
  Sgd withHyperparams(Map<Hyperparam, Object> values) {
    return new Sgd(values, nesterov, accumulatorDtype);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    return (nesterov ? "nesterov=true" : "")
        + (accumulatorDtype == null ? "" : (nesterov ? ", " : "") + "accumulator_dtype=" + FloatTypes.name(accumulatorDtype));
  }
}
