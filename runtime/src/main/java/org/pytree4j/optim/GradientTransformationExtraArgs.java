package org.pytree4j.optim;

import java.util.Map;

/**
 * Optax's {@code GradientTransformationExtraArgs}: a transformation whose {@code update} also takes
 * named extra arguments (a loss value, ...), passed on to the transformations and stateful
 * schedules inside it that use them. {@link Optax#chain} and {@link Optax#injectHyperparams}
 * return one.
 */
public interface GradientTransformationExtraArgs extends GradientTransformation {
  /** {@code update(updates, state, params, **extra_args) -> (updates, state)}. */
  UpdateResult update(Object updates, OptState state, Object params, Map<String, ?> extraArgs);

  @Override
  default UpdateResult update(Object updates, OptState state, Object params) {
    return update(updates, state, params, Map.of());
  }
}
