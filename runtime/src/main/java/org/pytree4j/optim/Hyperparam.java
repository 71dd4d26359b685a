package org.pytree4j.optim;

import java.util.Objects;

/**
 * The name of a numeric hyperparameter, as Optax spells it ({@code learning_rate}, {@code b1} ...):
 * the key under which {@link InjectHyperparams} keeps it in {@link InjectHyperparamsState#hyperparams()}.
 *
 * <p>Use the constants for IDE completion: {@code state.findHyperparam(LEARNING_RATE)}. A
 * transformation of your own may name others with {@link #named(String)}.
 */
public final class Hyperparam {
  /** {@code learning_rate}: the step size of an optimizer alias. */
  public static final Hyperparam LEARNING_RATE = new Hyperparam("learning_rate");
  /** {@code b1}: decay of Adam's first moment. */
  public static final Hyperparam B1 = new Hyperparam("b1");
  /** {@code b2}: decay of Adam's second moment. */
  public static final Hyperparam B2 = new Hyperparam("b2");
  /** {@code eps}: added to Adam's denominator outside the square root. */
  public static final Hyperparam EPS = new Hyperparam("eps");
  /** {@code eps_root}: added to Adam's denominator inside the square root. */
  public static final Hyperparam EPS_ROOT = new Hyperparam("eps_root");
  /** {@code weight_decay}: strength of decoupled weight decay. */
  public static final Hyperparam WEIGHT_DECAY = new Hyperparam("weight_decay");
  /** {@code momentum}: the trace decay of {@code sgd}. */
  public static final Hyperparam MOMENTUM = new Hyperparam("momentum");
  /** {@code max_norm}: the bound of {@code clip_by_global_norm}. */
  public static final Hyperparam MAX_NORM = new Hyperparam("max_norm");
  /** {@code step_size}: the factor of {@code scale}. */
  public static final Hyperparam STEP_SIZE = new Hyperparam("step_size");
  /** {@code decay}: the decay of {@code trace}. */
  public static final Hyperparam DECAY = new Hyperparam("decay");
  /** {@code initial_accumulator_value}: the start of {@code scale_by_rss}'s (adagrad's) sum of squares. */
  public static final Hyperparam INITIAL_ACCUMULATOR_VALUE = new Hyperparam("initial_accumulator_value");
  /** {@code initial_scale}: the start of rmsprop's second moment. */
  public static final Hyperparam INITIAL_SCALE = new Hyperparam("initial_scale");
  /** {@code trust_coefficient}: the factor of {@code scale_by_trust_ratio}'s trust ratio (lars). */
  public static final Hyperparam TRUST_COEFFICIENT = new Hyperparam("trust_coefficient");
  /** {@code min_norm}: the least norm {@code scale_by_trust_ratio} uses. */
  public static final Hyperparam MIN_NORM = new Hyperparam("min_norm");
  /** {@code min_scale}: the least scale {@code scale_by_param_block_rms} uses. */
  public static final Hyperparam MIN_SCALE = new Hyperparam("min_scale");
  /** {@code threshold}: the bound of {@code clip_by_block_rms}. */
  public static final Hyperparam THRESHOLD = new Hyperparam("threshold");
  /** {@code decay_rate}: the exponent of adafactor's second-moment decay schedule. */
  public static final Hyperparam DECAY_RATE = new Hyperparam("decay_rate");
  /** {@code epsilon}: added to the squared gradients in {@code scale_by_factored_rms}. */
  public static final Hyperparam EPSILON = new Hyperparam("epsilon");
  /** {@code clipping_threshold}: adafactor's {@code clip_by_block_rms} bound. */
  public static final Hyperparam CLIPPING_THRESHOLD = new Hyperparam("clipping_threshold");
  /** {@code weight_decay_rate}: adafactor's weight decay. */
  public static final Hyperparam WEIGHT_DECAY_RATE = new Hyperparam("weight_decay_rate");

  private final String name;

  private Hyperparam(String name) {
    this.name = name;
  }

  /** A hyperparameter name of your own transformation (snake_case, as Optax would spell it). */
  public static Hyperparam named(String optaxName) {
    if (optaxName == null || optaxName.isBlank()) {
      throw new IllegalArgumentException("a hyperparameter name must not be empty");
    }
    return new Hyperparam(optaxName);
  }

  /** The name as Optax spells it: the key in the state's {@code hyperparams} map. */
  public String optaxName() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hyperparam other && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
