package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers {@link InjectHyperparams} gives a transformation for one update: every numeric
 * hyperparameter by name, in Optax's signature order. What a custom {@link Injectable}'s factory
 * receives: {@code values -> scale(-values.get(LEARNING_RATE))}.
 */
public final class HyperparamValues {
  private final Map<Hyperparam, Double> values;

  private HyperparamValues(Map<Hyperparam, Double> values) {
    this.values = values;
  }

  /** The given values, in the given order; none may be null. */
  public static HyperparamValues of(Map<Hyperparam, ? extends Number> values) {
    Map<Hyperparam, Double> copy = new LinkedHashMap<>();
    values.forEach((name, value) -> {
      if (name == null || value == null) {
        throw new IllegalArgumentException("hyperparameter names and values must not be null: " + values);
      }
      copy.put(name, value.doubleValue());
    });
    return new HyperparamValues(Collections.unmodifiableMap(copy));
  }

  /** The value of {@code name}; an unknown name throws, listing the known ones. */
  public double get(Hyperparam name) {
    Double value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no hyperparameter '" + name + "'; the hyperparameters are " + names());
    }
    return value;
  }

  /** The names, in order. */
  public java.util.List<Hyperparam> names() {
    return new ArrayList<>(values.keySet());
  }

  /** The values by name, in order (unmodifiable). */
  public Map<Hyperparam, Double> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
