package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pytree4j.optim.schedule.Schedule;
import org.pytree4j.optim.schedule.StatefulSchedule;

/**
 * An immutable transformation with named numeric hyperparameters, each a constant or a schedule:
 * the common half of every {@link Injectable} in this package. Subclasses add typed setters
 * ({@code b1(..)}) and say how to build or run the transformation.
 *
 * <p>Outside {@link InjectHyperparams} a hyperparameter must be a constant (only an alias's
 * {@code learning_rate} may be a schedule there, as in Optax); a schedule anywhere else is an error at
 * {@code init}/{@code update} naming it.
 *
 * @param <S> the subclass, returned by the setters
 */
abstract class InjectableTransformation<S extends InjectableTransformation<S>> extends AbstractTransformation
    implements Injectable {
  private final String optaxName;
  private final List<Hyperparam> declared;
  private final Map<Hyperparam, Object> values;

  /**
   * @param declared every hyperparameter this transformation can have, in Optax's signature order
   * @param values the given ones (a missing one is Optax's None), each a Double, Schedule or StatefulSchedule
   */
  InjectableTransformation(String optaxName, List<Hyperparam> declared, Map<Hyperparam, ?> values) {
    this.optaxName = optaxName;
    this.declared = List.copyOf(declared);
    Map<Hyperparam, Object> ordered = new LinkedHashMap<>();
    for (Hyperparam name : declared) {
      Object value = values.get(name);
      if (value != null) {
        ordered.put(name, checkedValue(name, value));
      }
    }
    for (Hyperparam name : values.keySet()) {
      if (!declared.contains(name)) {
        throw unknown(name.optaxName());
      }
    }
    this.values = Collections.unmodifiableMap(ordered);
  }

  /** The same transformation with other hyperparameter values (names already checked). */
  abstract S withHyperparams(Map<Hyperparam, Object> values);

  @Override
  public final String optaxName() {
    return optaxName;
  }

  @Override
  public final Map<Hyperparam, Object> hyperparams() {
    return values;
  }

  /** A copy with hyperparameter {@code name} set to the constant {@code value}. */
  public final S with(Hyperparam name, double value) {
    return set(name, value);
  }

  /** A copy with hyperparameter {@code name} driven by {@code schedule} (inside {@code injectHyperparams}). */
  public final S with(Hyperparam name, Schedule schedule) {
    return set(name, schedule);
  }

  /** A copy with hyperparameter {@code name} driven by a stateful schedule (inside {@code injectHyperparams}). */
  public final S with(Hyperparam name, StatefulSchedule<?> schedule) {
    return set(name, schedule);
  }

  /** {@link #with(Hyperparam, double)} by Optax's name; an unknown name throws, listing the known ones. */
  public final S with(String name, double value) {
    return set(known(name), value);
  }

  /** {@link #with(Hyperparam, Schedule)} by Optax's name; an unknown name throws, listing the known ones. */
  public final S with(String name, Schedule schedule) {
    return set(known(name), schedule);
  }

  @Override
  public final GradientTransformation withValues(HyperparamValues given) {
    if (!given.names().equals(new ArrayList<>(values.keySet()))) {
      throw new IllegalArgumentException(optaxName + " has the hyperparameters " + new ArrayList<>(values.keySet())
          + " but was given values for " + given.names());
    }
    return withHyperparams(new LinkedHashMap<>(given.asMap()));
  }

  /** The raw value of {@code name}: a Double, a schedule, or null when not given. */
  final Object value(Hyperparam name) {
    return values.get(name);
  }

  /** The constant value of {@code name}; a schedule here throws (schedules need injectHyperparams). */
  final double constant(Hyperparam name) {
    Object value = values.get(name);
    if (value instanceof Double d) {
      return d;
    }
    if (value == null) {
      throw new IllegalStateException(optaxName + " has no value for " + name);
    }
    throw scheduleOutsideInject(name);
  }

  /** Throws unless every hyperparameter is a constant (checked at init and update). */
  final void requireConstants() {
    for (Hyperparam name : values.keySet()) {
      constant(name);
    }
  }

  final IllegalArgumentException scheduleOutsideInject(Hyperparam name) {
    return new IllegalArgumentException(name + " of " + optaxName + " is a schedule, which only injectHyperparams"
        + " evaluates: use injectHyperparams(...) around " + optaxName + ", or a constant");
  }

  private S set(Hyperparam name, Object value) {
    if (name == null || !declared.contains(name)) {
      throw unknown(String.valueOf(name));
    }
    Map<Hyperparam, Object> copy = new LinkedHashMap<>(values);
    copy.put(name, checkedValue(name, value));
    return withHyperparams(copy);
  }

  private Hyperparam known(String name) {
    for (Hyperparam h : declared) {
      if (h.optaxName().equals(name)) {
        return h;
      }
    }
    throw unknown(name);
  }

  private IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException(
        optaxName + " has no hyperparameter '" + name + "'; its hyperparameters are " + declared);
  }

  private Object checkedValue(Hyperparam name, Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d)) {
        throw new IllegalArgumentException(name + " of " + optaxName + " must not be NaN");
      }
      return d;
    }
    if (value instanceof Schedule || value instanceof StatefulSchedule) {
      return value;
    }
    throw new IllegalArgumentException(name + " of " + optaxName + " must be a number or a schedule but got "
        + FloatTypes.describeValue(value));
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    values.forEach((k, v) -> parts.add(k + "=" + v));
    String statics = staticsString();
    if (!statics.isEmpty()) {
      parts.add(statics);
    }
    return optaxName + "(" + String.join(", ", parts) + ")";
  }

  /** The static arguments for {@link #toString()}, e.g. {@code nesterov=true}. */
  String staticsString() {
    return "";
  }
}
