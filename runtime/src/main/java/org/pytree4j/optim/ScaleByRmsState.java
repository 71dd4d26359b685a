package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByRmsState(nu)}: the state of {@code scale_by_rms} without bias correction.
 *
 * @param nu the moving average of the squared gradients: a tree like the params
 */
@PyTreeNode
public record ScaleByRmsState(Object nu) implements OptState, ScaleByRmsStatePyTree.With {}
