package org.pytree4j;

import java.util.ArrayList;
import java.util.List;

/** {@link PyTrees#replaceAt}: rebuilds the nodes along one key path, sharing everything else. */
final class ReplaceAt {
  private ReplaceAt() {}

  static Object replace(Object tree, KeyPath path, Object value) {
    if (path == null) {
      throw new IllegalArgumentException("the key path must not be null (KeyPath.root() names the whole tree)");
    }
    return replace(tree, path.entries(), 0, KeyPath.root(), value);
  }

  private static Object replace(Object node, List<KeyEntry> entries, int depth, KeyPath at, Object value) {
    if (depth == entries.size()) {
      return value;
    }
    KeyEntry entry = entries.get(depth);
    if (node == null) {
      throw new TreeMismatchException(at, "cannot replace at " + KeyPath.of(entries).describe() + ": "
          + at.describe() + " is None, which has no child " + entry);
    }
    FlattenedWithPath children = PyTrees.isLeaf(x -> x != node).flattenWithPath(node);
    if (children.treeDef().isLeaf()) {
      throw new TreeMismatchException(at, "cannot replace at " + KeyPath.of(entries).describe() + ": "
          + at.describe() + " is a leaf (" + Leaves.describe(node) + "), which has no child " + entry);
    }
    List<Object> leaves = new ArrayList<>(children.leaves().size());
    int index = -1;
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < children.leaves().size(); i++) {
      LeafWithPath child = children.leaves().get(i);
      leaves.add(child.leaf());
      keys.add(child.path().last().toString());
      if (child.path().last().equals(entry)) {
        index = i;
      }
    }
    KeyPath childPath = at.child(entry);
    if (index < 0) {
      throw new TreeMismatchException(childPath, "cannot replace at " + KeyPath.of(entries).describe() + ": "
          + at.describe() + " (" + children.treeDef().describeNode() + ") has no child " + entry
          + "; its children are " + keys);
    }
    leaves.set(index, replace(leaves.get(index), entries, depth + 1, childPath, value));
    try {
      return children.treeDef().unflatten(leaves);
    } catch (InvalidTreeException e) {
      KeyPath where = at;
      for (KeyEntry inside : e.path().entries()) {
        where = where.child(inside);
      }
      InvalidTreeException failure = new InvalidTreeException(where, "cannot replace at "
          + KeyPath.of(entries).describe() + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    } catch (IllegalArgumentException | ClassCastException e) {
      InvalidTreeException failure = new InvalidTreeException(childPath, "cannot replace at "
          + KeyPath.of(entries).describe() + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }
}
