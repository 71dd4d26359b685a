package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByRssState(sum_of_squares)}.
 *
 * @param sumOfSquares the sum of the squared gradients so far (plus the initial value): a tree like the params
 */
@PyTreeNode
public record ScaleByRssState(Object sumOfSquares) implements OptState, ScaleByRssStatePyTree.With {}
