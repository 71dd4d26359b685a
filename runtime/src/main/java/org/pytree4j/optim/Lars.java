package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;
import static org.pytree4j.optim.Hyperparam.MIN_NORM;
import static org.pytree4j.optim.Hyperparam.MOMENTUM;
import static org.pytree4j.optim.Hyperparam.TRUST_COEFFICIENT;
import static org.pytree4j.optim.Hyperparam.WEIGHT_DECAY;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code lars(learning_rate, weight_decay=0.0, weight_decay_mask=True, trust_coefficient=0.001,
 * eps=0.0, trust_ratio_mask=True, momentum=0.9, nesterov=False)} (You et al. 2017):
 * {@code chain(add_decayed_weights(weight_decay, mask=weight_decay_mask),
 * masked(scale_by_trust_ratio(trust_coefficient=trust_coefficient, eps=eps), mask=trust_ratio_mask),
 * scale_by_learning_rate(learning_rate), trace(decay=momentum, nesterov=nesterov))}. Both masks default
 * to Optax's {@code True} ({@link #ALL}: every param), so the state is
 * {@code (MaskedState(EmptyState), MaskedState(EmptyState), EmptyState, TraceState)}, or
 * {@code ScaleByScheduleState} third with a learning-rate schedule. Hyperparameters:
 * {@code learning_rate}, {@code weight_decay}, {@code trust_coefficient}, {@code eps}, {@code momentum};
 * static: {@code weight_decay_mask}, {@code trust_ratio_mask}, {@code nesterov}.
 *
 * <p>Not part of the fused step: the trust ratio needs each leaf's norms (see docs/optimizers.md).
 */
public final class Lars extends ChainAlias<Lars> {
  /** Optax's mask {@code True}: every param. */
  public static final Mask ALL = Mask.of(Boolean.TRUE);

  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, WEIGHT_DECAY, TRUST_COEFFICIENT, EPS, MOMENTUM);

  private final Mask weightDecayMask;
  private final Mask trustRatioMask;
  private final boolean nesterov;
  private final Chain delegate;

  Lars(Map<Hyperparam, ?> values, Mask weightDecayMask, Mask trustRatioMask, boolean nesterov) {
    super("lars", NAMES, values);
    if (trustRatioMask == null) {
      throw new IllegalArgumentException("lars needs a trust_ratio_mask (Lars.ALL for every param), not null");
    }
    this.weightDecayMask = weightDecayMask;
    this.trustRatioMask = trustRatioMask;
    this.nesterov = nesterov;
    Map<Hyperparam, Object> trustRatio = new LinkedHashMap<>();
    trustRatio.put(MIN_NORM, 0.0);
    trustRatio.put(TRUST_COEFFICIENT, value(TRUST_COEFFICIENT));
    trustRatio.put(EPS, value(EPS));
    this.delegate = new Chain(List.of(
        new AddDecayedWeights(Map.of(WEIGHT_DECAY, value(WEIGHT_DECAY)), weightDecayMask),
        new Masked(new ScaleByTrustRatio(trustRatio), trustRatioMask),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true),
        new Trace(Map.of(DECAY, value(MOMENTUM)), nesterov, null)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule). */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>();
    values.put(LEARNING_RATE, learningRate);
    values.put(WEIGHT_DECAY, 0.0);
    values.put(TRUST_COEFFICIENT, 0.001);
    values.put(EPS, 0.0);
    values.put(MOMENTUM, 0.9);
    return values;
  }

  public Lars learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Lars learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Lars weightDecay(double weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  public Lars weightDecay(Schedule weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  public Lars trustCoefficient(double trustCoefficient) {
    return with(TRUST_COEFFICIENT, trustCoefficient);
  }

  public Lars trustCoefficient(Schedule trustCoefficient) {
    return with(TRUST_COEFFICIENT, trustCoefficient);
  }

  /** Added to the update norm in the trust ratio's denominator. */
  public Lars eps(double eps) {
    return with(EPS, eps);
  }

  public Lars eps(Schedule eps) {
    return with(EPS, eps);
  }

  /** The decay of the momentum ({@code trace}) after the learning rate. */
  public Lars momentum(double momentum) {
    return with(MOMENTUM, momentum);
  }

  public Lars momentum(Schedule momentum) {
    return with(MOMENTUM, momentum);
  }

  /**
   * Decay only the params where {@code mask} is true ({@link #ALL}, the default, decays every param);
   * null is Optax's {@code None}: no mask, and {@code EmptyState} in place of {@code MaskedState}.
   */
  public Lars weightDecayMask(Mask mask) {
    return new Lars(hyperparams(), mask, trustRatioMask, nesterov);
  }

  /** Scale by the trust ratio only the params where {@code mask} is true ({@link #ALL}, the default). */
  public Lars trustRatioMask(Mask mask) {
    return new Lars(hyperparams(), weightDecayMask, mask, nesterov);
  }

  public Lars nesterov(boolean nesterov) {
    return new Lars(hyperparams(), weightDecayMask, trustRatioMask, nesterov);
  }

  @Override
  Lars withHyperparams(Map<Hyperparam, Object> values) {
    return new Lars(values, weightDecayMask, trustRatioMask, nesterov);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    List<String> parts = new ArrayList<>();
    if (weightDecayMask != ALL) {
      parts.add("weight_decay_mask=" + (weightDecayMask == null ? "None" : weightDecayMask));
    }
    if (trustRatioMask != ALL) {
      parts.add("trust_ratio_mask=" + trustRatioMask);
    }
    if (nesterov) {
      parts.add("nesterov=true");
    }
    return String.join(", ", parts);
  }
}
