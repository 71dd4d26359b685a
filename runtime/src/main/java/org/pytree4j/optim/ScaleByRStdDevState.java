package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByRStdDevState(mu, nu)}: the state of {@code scale_by_stddev} (centered
 * rmsprop) without bias correction.
 *
 * @param mu the moving average of the gradients: a tree like the params
 * @param nu the moving average of the squared gradients: a tree like the params
 */
@PyTreeNode
public record ScaleByRStdDevState(Object mu, Object nu) implements OptState, ScaleByRStdDevStatePyTree.With {}
