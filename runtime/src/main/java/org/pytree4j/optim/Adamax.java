package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code adamax(learning_rate, b1=0.9, b2=0.999, eps=1e-8)}:
 * {@code chain(scale_by_adamax(b1, b2, eps), scale_by_learning_rate(learning_rate))}. State:
 * {@code (ScaleByAdamState, EmptyState)}, or {@code ScaleByScheduleState} second with a learning-rate
 * schedule. Hyperparameters: {@code learning_rate}, {@code b1}, {@code b2}, {@code eps}.
 */
public final class Adamax extends ChainAlias<Adamax> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, B1, B2, EPS);

  private final Chain delegate;

  Adamax(Map<Hyperparam, ?> values) {
    super("adamax", NAMES, values);
    this.delegate = new Chain(List.of(
        new ScaleByAdamax(Adagrad.part(hyperparams(), ScaleByAdamax.NAMES)),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule). */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>(ScaleByAdamax.defaults());
    values.put(LEARNING_RATE, learningRate);
    return values;
  }

  public Adamax learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adamax learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adamax b1(double b1) {
    return with(B1, b1);
  }

  public Adamax b1(Schedule b1) {
    return with(B1, b1);
  }

  public Adamax b2(double b2) {
    return with(B2, b2);
  }

  public Adamax b2(Schedule b2) {
    return with(B2, b2);
  }

  public Adamax eps(double eps) {
    return with(EPS, eps);
  }

  public Adamax eps(Schedule eps) {
    return with(EPS, eps);
  }

  @Override
  Adamax withHyperparams(Map<Hyperparam, Object> values) {
    return new Adamax(values);
  }

  @Override
  Chain delegate() {
    return delegate;
  }
}
