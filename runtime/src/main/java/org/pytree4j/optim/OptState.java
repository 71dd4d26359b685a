package org.pytree4j.optim;

/**
 * The state of a {@link GradientTransformation}: an immutable pytree (it flattens, maps and
 * serializes like any other tree).
 */
public interface OptState {}
