package org.pytree4j.random;

import org.pytree4j.PyTreeNode;

/** A state holding a PRNG key beside a step, as Flax's dropout guide's train state holds {@code key}. */
@PyTreeNode
record KeyState(long step, PRNGKey key) implements KeyStatePyTree.With {}
