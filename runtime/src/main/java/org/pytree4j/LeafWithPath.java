package org.pytree4j;

/** A leaf and the key path that leads to it: one entry of {@code tree_flatten_with_path}. */
public record LeafWithPath(KeyPath path, Object leaf) {
  @Override
  public String toString() {
    return path.describe() + " = " + Leaves.describe(leaf);
  }
}
