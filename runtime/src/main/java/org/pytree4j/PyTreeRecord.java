package org.pytree4j;

/**
 * Implemented by {@link PyTreeNode} records through their generated {@code With} interface, which
 * supplies {@link #pyTreeNodeType()}; users never implement it by hand.
 */
public interface PyTreeRecord extends CustomNode {
  @Override
  RecordNodeType<?> pyTreeNodeType();
}
