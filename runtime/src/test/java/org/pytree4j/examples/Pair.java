package org.pytree4j.examples;

import org.pytree4j.PyTreeNode;

@PyTreeNode
public record Pair<A, B extends Number>(A first, B second, long count) implements PairPyTree.With<A, B> {
  @PyTreeNode
  public record Inner(Object value) implements Pair_InnerPyTree.With {}
}
