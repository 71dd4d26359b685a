package org.pytree4j.serialization;

import org.pytree4j.PyTreeNode;
import org.pytree4j.optim.OptState;

/** Shaped like Optax's {@code EmptyState()}: no leaves, state dict {@code {}}. */
@PyTreeNode
public record EmptyLikeState() implements OptState, EmptyLikeStatePyTree.With {}
