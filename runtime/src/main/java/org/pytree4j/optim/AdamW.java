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
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code adamw(learning_rate, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0, mu_dtype=None,
 * weight_decay=1e-4, mask=None, *, nesterov=False)} and {@code nadamw} ({@code nesterov=True}):
 * {@code chain(scale_by_adam(..), add_decayed_weights(weight_decay, mask), scale_by_learning_rate(learning_rate))}.
 * The weight decay is multiplied by the learning rate, as in Optax and PyTorch. State:
 * {@code (ScaleByAdamState, EmptyState or MaskedState, EmptyState)}. Hyperparameters:
 * {@code learning_rate}, {@code b1}, {@code b2}, {@code eps}, {@code eps_root}, {@code weight_decay};
 * static: {@code mu_dtype}, {@code mask}, {@code nesterov}.
 */
public final class AdamW extends ChainAlias<AdamW> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, B1, B2, EPS, EPS_ROOT, WEIGHT_DECAY);

  private final DataType muDtype;
  private final Mask mask;
  private final boolean nesterov;
  private final Chain delegate;

  AdamW(String optaxName, Map<Hyperparam, ?> values, DataType muDtype, Mask mask, boolean nesterov) {
    super(optaxName, NAMES, values);
    this.muDtype = muDtype;
    this.mask = mask;
    this.nesterov = nesterov;
    this.delegate = new Chain(List.of(
        new ScaleByAdam(Adam.adamPart(hyperparams()), muDtype, nesterov),
        new AddDecayedWeights(Map.of(WEIGHT_DECAY, value(WEIGHT_DECAY)), mask),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule). */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>(Adam.defaults(learningRate));
    values.put(WEIGHT_DECAY, 1e-4);
    return values;
  }

  public AdamW learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public AdamW learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public AdamW b1(double b1) {
    return with(B1, b1);
  }

  public AdamW b1(Schedule b1) {
    return with(B1, b1);
  }

  public AdamW b2(double b2) {
    return with(B2, b2);
  }

  public AdamW b2(Schedule b2) {
    return with(B2, b2);
  }

  public AdamW eps(double eps) {
    return with(EPS, eps);
  }

  public AdamW eps(Schedule eps) {
    return with(EPS, eps);
  }

  public AdamW epsRoot(double epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  public AdamW epsRoot(Schedule epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  public AdamW weightDecay(double weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  public AdamW weightDecay(Schedule weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  /** The dtype of the first moment; null (the default) keeps the dtype of params and updates. */
  public AdamW muDtype(DataType muDtype) {
    return new AdamW(optaxName(), hyperparams(), muDtype, mask, nesterov);
  }

  /** Decay only the params where {@code mask} is true; null (the default) decays all. */
  public AdamW mask(Mask mask) {
    return new AdamW(optaxName(), hyperparams(), muDtype, mask, nesterov);
  }

  /** Nesterov momentum: {@code adamw(..).nesterov(true)} is {@code nadamw(..)}. */
  public AdamW nesterov(boolean nesterov) {
    return new AdamW(optaxName(), hyperparams(), muDtype, mask, nesterov);
  }

  @Override
  AdamW withHyperparams(Map<Hyperparam, Object> values) {
    return new AdamW(optaxName(), values, muDtype, mask, nesterov);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    String s = (muDtype == null ? "" : "mu_dtype=" + FloatTypes.name(muDtype))
        + (mask == null ? "" : (muDtype == null ? "" : ", ") + "mask=" + mask);
    return s + (nesterov && optaxName().equals("adamw") ? (s.isEmpty() ? "" : ", ") + "nesterov=true" : "");
  }
}
