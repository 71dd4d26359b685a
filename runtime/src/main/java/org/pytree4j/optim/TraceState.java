package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code TraceState(trace)}.
 *
 * @param trace the momentum: a tree like the params
 */
@PyTreeNode
public record TraceState(Object trace) implements OptState, TraceStatePyTree.With {}
