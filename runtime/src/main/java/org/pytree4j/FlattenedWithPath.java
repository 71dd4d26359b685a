package org.pytree4j;

import java.util.List;

/** JAX's {@code tree_flatten_with_path}: every leaf with its key path, and the structure. */
public record FlattenedWithPath(List<LeafWithPath> leaves, TreeDef treeDef) {
  public FlattenedWithPath {
    leaves = List.copyOf(leaves);
  }
}
