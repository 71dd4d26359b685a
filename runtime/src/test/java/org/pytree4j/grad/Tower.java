package org.pytree4j.grad;

import org.pytree4j.PyTreeNode;
import org.pytree4j.examples.Mlp;

/** Nested records: an MLP trunk and a head. */
@PyTreeNode
public record Tower(Mlp trunk, Head head) implements TowerPyTree.With {}
