package org.pytree4j;

import java.util.List;

/**
 * A flattened tree: its leaves in order and its structure. {@code treeDef.unflatten(leaves)}
 * rebuilds the tree.
 */
public record Flattened(List<Object> leaves, TreeDef treeDef) {
  public Flattened {
    leaves = java.util.Collections.unmodifiableList(leaves);
  }

  /** Rebuilds the tree from these leaves. */
  public <T> T unflatten() {
    return treeDef.unflatten(leaves);
  }
}
