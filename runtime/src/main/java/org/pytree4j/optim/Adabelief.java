package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.EPS_ROOT;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code adabelief(learning_rate, b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16, *, nesterov=False)}:
 * {@code chain(scale_by_belief(b1, b2, eps, eps_root, nesterov=nesterov), scale_by_learning_rate(learning_rate))}.
 * State: {@code (ScaleByBeliefState, EmptyState)}, or {@code ScaleByScheduleState} second with a
 * learning-rate schedule. Hyperparameters: {@code learning_rate}, {@code b1}, {@code b2}, {@code eps},
 * {@code eps_root}; static: {@code nesterov}.
 */
public final class Adabelief extends ChainAlias<Adabelief> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, B1, B2, EPS, EPS_ROOT);

  private final boolean nesterov;
  private final Chain delegate;

  Adabelief(Map<Hyperparam, ?> values, boolean nesterov) {
    super("adabelief", NAMES, values);
    this.nesterov = nesterov;
    this.delegate = new Chain(List.of(
        new ScaleByBelief(Adagrad.part(hyperparams(), ScaleByBelief.NAMES), nesterov),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule). */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>(ScaleByBelief.defaults());
    values.put(LEARNING_RATE, learningRate);
    return values;
  }

  public Adabelief learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adabelief learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adabelief b1(double b1) {
    return with(B1, b1);
  }

  public Adabelief b1(Schedule b1) {
    return with(B1, b1);
  }

  public Adabelief b2(double b2) {
    return with(B2, b2);
  }

  public Adabelief b2(Schedule b2) {
    return with(B2, b2);
  }

  public Adabelief eps(double eps) {
    return with(EPS, eps);
  }

  public Adabelief eps(Schedule eps) {
    return with(EPS, eps);
  }

  public Adabelief epsRoot(double epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  public Adabelief epsRoot(Schedule epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  /** Nesterov momentum, as in {@code adam(..).nesterov(true)}. */
  public Adabelief nesterov(boolean nesterov) {
    return new Adabelief(hyperparams(), nesterov);
  }

  @Override
  Adabelief withHyperparams(Map<Hyperparam, Object> values) {
    return new Adabelief(values, nesterov);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    return nesterov ? "nesterov=true" : "";
  }
}
