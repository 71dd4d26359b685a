package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.EPS_ROOT;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;
import static org.pytree4j.optim.Hyperparam.WEIGHT_DECAY;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code lamb(learning_rate, b1=0.9, b2=0.999, eps=1e-6, eps_root=0.0, weight_decay=0.0, mask=None)}
 * (You et al. 2020): {@code chain(scale_by_adam(b1, b2, eps, eps_root), add_decayed_weights(weight_decay,
 * mask), scale_by_trust_ratio(), scale_by_learning_rate(learning_rate))}. State:
 * {@code (ScaleByAdamState, EmptyState or MaskedState, EmptyState, EmptyState)}, or
 * {@code ScaleByScheduleState} last with a learning-rate schedule. Hyperparameters:
 * {@code learning_rate}, {@code b1}, {@code b2}, {@code eps}, {@code eps_root}, {@code weight_decay};
 * static: {@code mask}.
 *
 * <p>Not part of the fused step: the trust ratio needs each leaf's norm of the Adam updates of the
 * same step (see docs/optimizers.md).
 */
public final class Lamb extends ChainAlias<Lamb> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, B1, B2, EPS, EPS_ROOT, WEIGHT_DECAY);

  private final Mask mask;
  private final Chain delegate;

  Lamb(Map<Hyperparam, ?> values, Mask mask) {
    super("lamb", NAMES, values);
    this.mask = mask;
    this.delegate = new Chain(List.of(
        new ScaleByAdam(Adam.adamPart(hyperparams()), null, false),
        new AddDecayedWeights(Map.of(WEIGHT_DECAY, value(WEIGHT_DECAY)), mask),
        new ScaleByTrustRatio(ScaleByTrustRatio.defaults()),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule). */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>();
    values.put(LEARNING_RATE, learningRate);
    values.put(B1, 0.9);
    values.put(B2, 0.999);
    values.put(EPS, 1e-6);
    values.put(EPS_ROOT, 0.0);
    values.put(WEIGHT_DECAY, 0.0);
    return values;
  }

  public Lamb learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Lamb learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Lamb b1(double b1) {
    return with(B1, b1);
  }

  public Lamb b1(Schedule b1) {
    return with(B1, b1);
  }

  public Lamb b2(double b2) {
    return with(B2, b2);
  }

  public Lamb b2(Schedule b2) {
    return with(B2, b2);
  }

  public Lamb eps(double eps) {
    return with(EPS, eps);
  }

  public Lamb eps(Schedule eps) {
    return with(EPS, eps);
  }

  public Lamb epsRoot(double epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  public Lamb epsRoot(Schedule epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  public Lamb weightDecay(double weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  public Lamb weightDecay(Schedule weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  /** Decay only the params where {@code mask} is true; null (the default) decays all. */
  public Lamb mask(Mask mask) {
    return new Lamb(hyperparams(), mask);
  }

  @Override
  Lamb withHyperparams(Map<Hyperparam, Object> values) {
    return new Lamb(values, mask);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    return mask == null ? "" : "mask=" + mask;
  }
}
