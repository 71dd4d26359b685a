package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code MaskedNode()}: stands for a masked-out part of a tree inside {@link Masked}. A node
 * with no children, so tree maps pass over it.
 */
@PyTreeNode
public record MaskedNode() implements MaskedNodePyTree.With {}
