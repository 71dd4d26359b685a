package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.INITIAL_ACCUMULATOR_VALUE;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code adagrad(learning_rate, initial_accumulator_value=0.1, eps=1e-7)}:
 * {@code chain(scale_by_rss(initial_accumulator_value, eps), scale_by_learning_rate(learning_rate))}.
 * State: {@code (ScaleByRssState, EmptyState)}, or {@code ScaleByScheduleState} second with a
 * learning-rate schedule. Hyperparameters: {@code learning_rate}, {@code initial_accumulator_value},
 * {@code eps}.
 */
public final class Adagrad extends ChainAlias<Adagrad> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, INITIAL_ACCUMULATOR_VALUE, EPS);

  private final Chain delegate;

  Adagrad(Map<Hyperparam, ?> values) {
    super("adagrad", NAMES, values);
    this.delegate = new Chain(List.of(
        new ScaleByRss(part(hyperparams(), ScaleByRss.NAMES)),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule). */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>(ScaleByRss.defaults());
    values.put(LEARNING_RATE, learningRate);
    return values;
  }

  /** The entries of {@code values} named in {@code names}. */
  static Map<Hyperparam, Object> part(Map<Hyperparam, Object> values, List<Hyperparam> names) {
    Map<Hyperparam, Object> part = new LinkedHashMap<>(values);
    part.keySet().retainAll(names);
    return part;
  }

  public Adagrad learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adagrad learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adagrad initialAccumulatorValue(double value) {
    return with(INITIAL_ACCUMULATOR_VALUE, value);
  }

  public Adagrad initialAccumulatorValue(Schedule value) {
    return with(INITIAL_ACCUMULATOR_VALUE, value);
  }

  public Adagrad eps(double eps) {
    return with(EPS, eps);
  }

  public Adagrad eps(Schedule eps) {
    return with(EPS, eps);
  }

  @Override
  Adagrad withHyperparams(Map<Hyperparam, Object> values) {
    return new Adagrad(values);
  }

  @Override
  Chain delegate() {
    return delegate;
  }
}
