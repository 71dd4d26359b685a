package org.pytree4j;

/** Finds the key path of the i-th leaf of a structure, for error messages. */
final class LeafPaths {
  private LeafPaths() {}

  static KeyPath pathOf(TreeDef def, int leafIndex) {
    KeyPath path = KeyPath.root();
    TreeDef node = def;
    int remaining = leafIndex;
    while (!node.isLeaf()) {
      TreeDef next = null;
      for (int i = 0; i < node.arity(); i++) {
        TreeDef child = node.child(i);
        if (remaining < child.numLeaves()) {
          path = path.child(node.childKey(i));
          next = child;
          break;
        }
        remaining -= child.numLeaves();
      }
      if (next == null) {
        throw new IndexOutOfBoundsException("leaf " + leafIndex + " of " + def);
      }
      node = next;
    }
    return path;
  }
}
