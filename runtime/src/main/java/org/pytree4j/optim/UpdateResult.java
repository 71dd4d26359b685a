package org.pytree4j.optim;

/** What {@link GradientTransformation#update} returns: Optax's {@code (updates, new_state)}. */
public record UpdateResult(Object updates, OptState state) {}
