package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Flattened;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;

/** Finds and describes the node at a key path, for messages that show both sides of a mismatch. */
final class Subtrees {
  private static final Object MISSING = new Object();

  private Subtrees() {}

  /** The node of {@code tree} at {@code path}, or a marker when the path leaves the tree. */
  static Object at(Object tree, KeyPath path) {
    Object node = tree;
    for (KeyEntry key : path.entries()) {
      node = child(node, key);
      if (node == MISSING) {
        return MISSING;
      }
    }
    return node;
  }

  private static Object child(Object node, KeyEntry key) {
    if (node == null || node == MISSING || node instanceof INDArray) {
      return MISSING;
    }
    Flattened children = PyTrees.isLeaf(x -> x != node).flatten(node);
    TreeDef def = children.treeDef();
    if (def.kind() == TreeDef.Kind.LEAF || def.kind() == TreeDef.Kind.NONE) {
      return MISSING;
    }
    for (int i = 0; i < def.children().size(); i++) {
      if (def.childKey(i).equals(key)) {
        return children.leaves().get(i);
      }
    }
    return MISSING;
  }

  /** What a node is: {@code float32[2, 3]}, {@code dict with keys ['a', 'b']}, {@code list of 2}, {@code None}. */
  static String describe(Object node) {
    if (node == MISSING) {
      return "nothing";
    }
    if (node == null) {
      return "None";
    }
    if (node instanceof INDArray array) {
      return FloatTypes.describe(array);
    }
    if (node instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>();
      for (Object k : map.keySet()) {
        keys.add("'" + k + "'");
      }
      keys.sort(null);
      return "dict with keys " + keys;
    }
    if (node instanceof List<?> list) {
      return "list of " + list.size();
    }
    TreeDef def = PyTrees.isLeaf(x -> x != node).structure(node);
    if (def.kind() == TreeDef.Kind.NODE) {
      return def.nodeType().name();
    }
    return FloatTypes.describeValue(node);
  }
}
