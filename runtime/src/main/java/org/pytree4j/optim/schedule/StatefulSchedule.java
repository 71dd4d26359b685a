package org.pytree4j.optim.schedule;

import java.util.Map;

/**
 * Optax's {@code StatefulSchedule}: a schedule with a state of its own, kept in
 * {@code InjectHyperparamsState.hyperparamsStates} and updated from the extra arguments of each
 * update ({@code GradientTransformationExtraArgs}).
 *
 * <p>Per update, {@code injectHyperparams} calls {@link #value} on the current state (the value that
 * update uses) and then {@link #update} for the next one.
 *
 * @param <S> the schedule's state: a pytree (a {@code @PyTreeNode} record, a number ...)
 */
public interface StatefulSchedule<S> {
  /** The state before the first update. */
  S init();

  /** The state after one more update. */
  S update(S state, Map<String, ?> extraArgs);

  /** The value for an update made with {@code state}. */
  double value(S state, Map<String, ?> extraArgs);
}
