package org.pytree4j.optim;

/**
 * Optax's {@code GradientTransformation}: a pair of pure functions.
 */
public interface GradientTransformation {
  /** {@code init(params) -> state}. */
  OptState init(Object params);

  /** {@code update(updates, state, params) -> (updates, state)}; {@code params} may be null. */
  UpdateResult update(Object updates, OptState state, Object params);
}
