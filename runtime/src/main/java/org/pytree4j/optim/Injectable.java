package org.pytree4j.optim;

import java.util.Map;
import java.util.function.Function;

/**
 * What {@link Optax#injectHyperparams} wraps: Optax's {@code inner_factory} together with the
 * arguments it is called with. Its numeric hyperparameters ({@link #hyperparams()}) are given as
 * constants or schedules; everything else (booleans such as {@code nesterov}, dtypes, masks) is
 * static and stays with the transformation.
 *
 * <p>Every alias and transformation with numeric hyperparameters is one ({@code adam(..)},
 * {@code sgd(..)}, {@code scaleByAdam()}, {@code trace(..)}, {@code clipByGlobalNorm(..)} ...), with
 * typed setters: {@code injectHyperparams(adam(schedule).b1(0.8))}. For a factory of your own use
 * {@link #of}.
 */
public interface Injectable extends GradientTransformation {

  /** Optax's name of the factory ({@code adam}, {@code scale_by_adam} ...), for messages. */
  String optaxName();

  /**
   * The numeric hyperparameters in Optax's signature order, each a {@link Double}, a
   * {@link org.pytree4j.optim.schedule.Schedule} or a
   * {@link org.pytree4j.optim.schedule.StatefulSchedule}.
   */
  Map<Hyperparam, Object> hyperparams();

  /**
   * This transformation with every numeric hyperparameter set to the given number, as Optax's
   * {@code inner_factory(**static_args, **hparams)}. The names must be exactly those of
   * {@link #hyperparams()}.
   */
  GradientTransformation withValues(HyperparamValues values);

  /**
   * A factory of your own, as Optax's {@code inject_hyperparams(custom_factory)(**kwargs)}:
   * {@code hyperparams} gives each numeric hyperparameter a number or a schedule; static arguments
   * are whatever {@code factory} captures.
   *
   * <pre>{@code
   * Injectable custom = Injectable.of("custom_optim", Map.of(LEARNING_RATE, 0.1),
   *     values -> masked(scale(-values.get(LEARNING_RATE)), mask));
   * }</pre>
   */
  static Injectable of(String optaxName, Map<Hyperparam, ?> hyperparams,
      Function<HyperparamValues, ? extends GradientTransformation> factory) {
    return CustomInjectable.create(optaxName, hyperparams, factory);
  }
}
