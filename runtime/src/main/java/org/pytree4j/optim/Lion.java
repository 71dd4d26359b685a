package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;
import static org.pytree4j.optim.Hyperparam.WEIGHT_DECAY;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code lion(learning_rate, b1=0.9, b2=0.99, mu_dtype=None, weight_decay=1e-3, mask=None)}:
 * {@code chain(scale_by_lion(b1, b2, mu_dtype), add_decayed_weights(weight_decay, mask),
 * scale_by_learning_rate(learning_rate))}. As in Optax, the weight decay is multiplied by the learning
 * rate. State: {@code (ScaleByLionState, EmptyState or MaskedState, EmptyState)}. Hyperparameters:
 * {@code learning_rate}, {@code b1}, {@code b2}, {@code weight_decay}; static: {@code mu_dtype}, {@code mask}.
 */
public final class Lion extends ChainAlias<Lion> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, B1, B2, WEIGHT_DECAY);

  private final DataType muDtype;
  private final Mask mask;
  private final Chain delegate;

  Lion(Map<Hyperparam, ?> values, DataType muDtype, Mask mask) {
    super("lion", NAMES, values);
    this.muDtype = muDtype;
    this.mask = mask;
    Map<Hyperparam, Object> lionPart = new LinkedHashMap<>(hyperparams());
    lionPart.keySet().retainAll(ScaleByLion.NAMES);
    this.delegate = new Chain(List.of(
        new ScaleByLion(lionPart, muDtype),
        new AddDecayedWeights(Map.of(WEIGHT_DECAY, value(WEIGHT_DECAY)), mask),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule). */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>(ScaleByLion.defaults());
    values.put(LEARNING_RATE, learningRate);
    values.put(WEIGHT_DECAY, 1e-3);
    return values;
  }

  public Lion learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Lion learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Lion b1(double b1) {
    return with(B1, b1);
  }

  public Lion b1(Schedule b1) {
    return with(B1, b1);
  }

  public Lion b2(double b2) {
    return with(B2, b2);
  }

  public Lion b2(Schedule b2) {
    return with(B2, b2);
  }

  public Lion weightDecay(double weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  public Lion weightDecay(Schedule weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  /** The dtype of the momentum; null (the default) keeps the dtype of params and updates. */
  public Lion muDtype(DataType muDtype) {
    return new Lion(hyperparams(), muDtype, mask);
  }

  /** Decay only the params where {@code mask} is true; null (the default) decays all. */
  public Lion mask(Mask mask) {
    return new Lion(hyperparams(), muDtype, mask);
  }

  @Override
  Lion withHyperparams(Map<Hyperparam, Object> values) {
    return new Lion(values, muDtype, mask);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    return (muDtype == null ? "" : "mu_dtype=" + FloatTypes.name(muDtype))
        + (mask == null ? "" : (muDtype == null ? "" : ", ") + "mask=" + mask);
  }
}
