package org.pytree4j.examples;

import org.pytree4j.PyTreeNode;
import org.pytree4j.optim.OptState;

/** A minimal optimizer state for train-state tests: how many updates were made. */
@PyTreeNode
public record CountState(long count) implements OptState, CountStatePyTree.With {}
