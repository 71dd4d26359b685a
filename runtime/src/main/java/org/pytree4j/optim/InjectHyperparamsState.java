package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code InjectStatefulHyperparamsState(count, hyperparams, hyperparams_states, inner_state)}:
 * the state of {@link InjectHyperparams}. Its state dict has Optax's keys.
 *
 * <pre>{@code
 * // Flax: opt_state[1].hyperparams['learning_rate']
 * double lr = optState.get(1, InjectHyperparamsState.class).hyperparam(LEARNING_RATE);
 * Number same = optState.get(1, InjectHyperparamsState.class).hyperparams().get("learning_rate");
 * }</pre>
 *
 * @param count updates applied so far (int32, saturating)
 * @param hyperparams every numeric hyperparameter by Optax's name: a {@link Float} (or a
 *     {@link Double} when injected with float64). A scheduled one shows the value the latest update
 *     used (after init: its value at step 0). Replace a constant one ({@link #withHyperparam}) and the
 *     next update uses it
 * @param hyperparamsStates the state of each scheduled hyperparameter's schedule, by name
 * @param innerState the state of the wrapped transformation
 */
@PyTreeNode
public record InjectHyperparamsState(
    int count, Map<String, Number> hyperparams, Map<String, Object> hyperparamsStates, OptState innerState)
    implements OptState, InjectHyperparamsStatePyTree.With {

  public InjectHyperparamsState {
    hyperparams = sortedCopy(hyperparams);
    hyperparamsStates = sortedCopy(hyperparamsStates);
  }

  private static <V> SortedMap<String, V> sortedCopy(Map<String, V> map) {
    return map == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(map));
  }

  /** The value of hyperparameter {@code name}; an unknown name throws, listing the known ones. */
  public double hyperparam(Hyperparam name) {
    return hyperparam(name.optaxName());
  }

  /** {@link #hyperparam(Hyperparam)} by Optax's name, e.g. {@code "learning_rate"}. */
  public double hyperparam(String name) {
    Number value = hyperparams == null ? null : hyperparams.get(name);
    if (value == null) {
      throw unknown(name);
    }
    return value.doubleValue();
  }

  /**
   * A copy with hyperparameter {@code name} set to {@code value}, stored in the same precision as
   * the value it replaces; the next update uses it (unless a schedule drives that hyperparameter, as
   * in Optax). This state is unchanged.
   */
  public InjectHyperparamsState withHyperparam(Hyperparam name, double value) {
    return withHyperparam(name.optaxName(), value);
  }

  /** {@link #withHyperparam(Hyperparam, double)} by Optax's name. */
  public InjectHyperparamsState withHyperparam(String name, double value) {
    Number old = hyperparams == null ? null : hyperparams.get(name);
    if (old == null) {
      throw unknown(name);
    }
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("hyperparameter '" + name + "' must not be NaN");
    }
    Map<String, Number> updated = new TreeMap<>(hyperparams);
    updated.put(name, old instanceof Double ? (Number) value : (Number) (float) value);
    return new InjectHyperparamsState(count, updated, hyperparamsStates, innerState);
  }

  private IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("no hyperparameter '" + name + "' in this state; its hyperparameters are "
        + (hyperparams == null ? "[]" : new ArrayList<>(hyperparams.keySet())));
  }
}
