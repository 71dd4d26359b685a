package org.pytree4j;

/**
 * An object that is a pytree node of its own kind (not a leaf, map or list). Generated
 * {@code With} interfaces extend this through {@link PyTreeRecord}, so the runtime finds a record's
 * node type with one interface call: no reflection, no registry.
 */
public interface CustomNode {
  /** This object's node type; a singleton for its class. */
  NodeType<?> pyTreeNodeType();
}
