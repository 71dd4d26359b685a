package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/** Optax's {@code EmptyState()}: the state of a transformation that keeps none. No leaves. */
@PyTreeNode
public record EmptyState() implements OptState, EmptyStatePyTree.With {}
