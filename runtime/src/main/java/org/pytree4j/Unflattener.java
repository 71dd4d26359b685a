package org.pytree4j;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Rebuilds trees from a {@link TreeDef} and leaves. */
final class Unflattener {
  private Unflattener() {}

  @SuppressWarnings("unchecked")
  static <T> T unflatten(TreeDef def, List<?> leaves) {
    if (leaves.size() != def.numLeaves()) {
      throw new IllegalArgumentException(
          (leaves.size() < def.numLeaves() ? "too few" : "too many") + " leaves for " + def
              + ": expected " + def.numLeaves() + ", got " + leaves.size());
    }
    Object[] array = leaves.toArray();
    int[] cursor = {0};
    try {
      return (T) build(def, array, cursor);
    } catch (PathedFailure f) {
      throw f.toException("cannot unflatten " + def);
    }
  }

  private static Object build(TreeDef def, Object[] leaves, int[] cursor) {
    switch (def.kind()) {
      case LEAF:
        return leaves[cursor[0]++];
      case NONE:
        return null;
      case DICT: {
        List<String> keys = def.dictKeys();
        return new SortedArrayMap(keys, children(def, leaves, cursor));
      }
      case SEQUENCE:
        return Collections.unmodifiableList(Arrays.asList(children(def, leaves, cursor)));
      default: {
        Object[] children = new Object[def.arity()];
        for (int i = 0; i < children.length; i++) {
          children[i] = buildChild(def, i, leaves, cursor);
        }
        try {
          return def.nodeTypeUnchecked().unflatten(def.auxData(), children);
        } catch (ChildTypeException e) {
          // The path goes down to the child, not just to the node that rejected it.
          throw PathedFailure.invalid(e.getMessage(), e).at(def.childKey(e.index()));
        } catch (IllegalArgumentException | ClassCastException e) {
          throw PathedFailure.invalid(e.getMessage(), e);
        }
      }
    }
  }

  /** The children of a dict or sequence node; a run of leaves when every child is one. */
  private static Object[] children(TreeDef def, Object[] leaves, int[] cursor) {
    int n = def.arity();
    if (def.childrenAreLeaves()) {
      Object[] run = Arrays.copyOfRange(leaves, cursor[0], cursor[0] + n);
      cursor[0] += n;
      return run;
    }
    Object[] children = new Object[n];
    for (int i = 0; i < n; i++) {
      children[i] = buildChild(def, i, leaves, cursor);
    }
    return children;
  }

  private static Object buildChild(TreeDef def, int index, Object[] leaves, int[] cursor) {
    try {
      return build(def.child(index), leaves, cursor);
    } catch (PathedFailure f) {
      throw f.at(def.childKey(index));
    }
  }
}
