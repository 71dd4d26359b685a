package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.EPS_ROOT;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code adam(learning_rate, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0, mu_dtype=None, *, nesterov=False)}
 * and {@code nadam} (the same with {@code nesterov=True}):
 * {@code chain(scale_by_adam(b1, b2, eps, eps_root, mu_dtype, nesterov), scale_by_learning_rate(learning_rate))}.
 * State: {@code (ScaleByAdamState, EmptyState)}, or {@code ScaleByScheduleState} second with a
 * learning-rate schedule. Hyperparameters: {@code learning_rate}, {@code b1}, {@code b2}, {@code eps},
 * {@code eps_root}; static: {@code mu_dtype}, {@code nesterov}.
 *
 * <pre>{@code
 * adam(1e-3).b1(0.8).muDtype(DataType.BFLOAT16)          // optax.adam(1e-3, b1=0.8, mu_dtype=jnp.bfloat16)
 * injectHyperparams(adam(schedule).b2(0.99))             // optax.inject_hyperparams(optax.adam)(learning_rate=schedule, b2=0.99)
 * }</pre>
 */
public final class Adam extends ChainAlias<Adam> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, B1, B2, EPS, EPS_ROOT);

  private final DataType muDtype;
  private final boolean nesterov;
  private final Chain delegate;

  Adam(String optaxName, Map<Hyperparam, ?> values, DataType muDtype, boolean nesterov) {
    super(optaxName, NAMES, values);
    this.muDtype = muDtype;
    this.nesterov = nesterov;
    this.delegate = new Chain(List.of(
        new ScaleByAdam(adamPart(hyperparams()), muDtype, nesterov),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule). */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>(ScaleByAdam.defaults());
    values.put(LEARNING_RATE, learningRate);
    return values;
  }

  /** The b1, b2, eps, eps_root part of {@code values}. */
  static Map<Hyperparam, Object> adamPart(Map<Hyperparam, Object> values) {
    Map<Hyperparam, Object> part = new LinkedHashMap<>(values);
    part.keySet().retainAll(ScaleByAdam.NAMES);
    return part;
  }

  public Adam learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adam learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adam b1(double b1) {
    return with(B1, b1);
  }

  public Adam b1(Schedule b1) {
    return with(B1, b1);
  }

  public Adam b2(double b2) {
    return with(B2, b2);
  }

  public Adam b2(Schedule b2) {
    return with(B2, b2);
  }

  public Adam eps(double eps) {
    return with(EPS, eps);
  }

  public Adam eps(Schedule eps) {
    return with(EPS, eps);
  }

  public Adam epsRoot(double epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  public Adam epsRoot(Schedule epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  /** The dtype of the first moment; null (the default) keeps the dtype of params and updates. */
  public Adam muDtype(DataType muDtype) {
    return new Adam(optaxName(), hyperparams(), muDtype, nesterov);
  }

  /** Nesterov momentum: {@code adam(..).nesterov(true)} is {@code nadam(..)}. */
  public Adam nesterov(boolean nesterov) {
    return new Adam(optaxName(), hyperparams(), muDtype, nesterov);
  }

  @Override
  Adam withHyperparams(Map<Hyperparam, Object> values) {
    return new Adam(optaxName(), values, muDtype, nesterov);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    return (muDtype == null ? "" : "mu_dtype=" + FloatTypes.name(muDtype) + (nesterov ? ", " : ""))
        + (nesterov && optaxName().equals("adam") ? "nesterov=true" : "");
  }
}
