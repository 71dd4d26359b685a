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
