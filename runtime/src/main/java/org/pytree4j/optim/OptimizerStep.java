package org.pytree4j.optim;

/**
 * What {@link Optax#step} returns: the params after {@code applyUpdates} and the optimizer's new
 * state, Optax's {@code (optax.apply_updates(params, updates), new_state)}.
 *
 * @param params the new params, a tree of the same structure and dtypes as the old ones
 * @param state the new optimizer state
 * @param <P> the params tree type
 */
public record OptimizerStep<P>(P params, OptState state) {}
