package org.pytree4j.serialization;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pytree4j.Flattened;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.KeyPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;
import org.pytree4j.TreeMismatchException;

/**
 * Flax's {@code to_state_dict} / {@code from_state_dict}, driven by the tree's {@link TreeDef}: every
 * container (map, list, record, custom node) becomes a dict keyed by {@link TreeDef#stateDictKey};
 * static record components are not children, so they stay out of the dict and come back from the
 * target's structure.
 */
final class StateDicts {
  private StateDicts() {}

  /** The state dict of any tree: a map for a container, {@code null} for None, the leaf itself for a leaf. */
  static Object toStateDictValue(Object tree) {
    Flattened flat = PyTrees.flatten(tree);
    return build(flat.treeDef(), flat.leaves().iterator(), KeyPath.root());
  }

  private static Object build(TreeDef def, Iterator<Object> leaves, KeyPath path) {
    return switch (def.kind()) {
      case LEAF -> leaves.next();
      case NONE -> null;
      default -> {
        List<String> keys = childKeys(def, path);
        List<TreeDef> children = def.children();
        Map<String, Object> dict = new LinkedHashMap<>();
        for (int i = 0; i < children.size(); i++) {
          dict.put(keys.get(i), build(children.get(i), leaves, path.dict(keys.get(i))));
        }
        yield Collections.unmodifiableMap(dict);
      }
    };
  }

  private static List<String> childKeys(TreeDef def, KeyPath path) {
    int arity = def.children().size();
    List<String> keys = new ArrayList<>(arity);
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < arity; i++) {
      String key = def.stateDictKey(i);
      if (!seen.add(key)) {
        throw new InvalidTreeException(path, "the node at " + path.describe() + " (" + def
            + ") has two children with the state-dict key '" + key + "'");
      }
      keys.add(key);
    }
    return keys;
  }

  /**
   * Restores {@code state} into the structure of {@code target}: checks the whole state dict against
   * the target's structure and converts every leaf before building anything.
   */
  static <T> T restore(T target, Object state) {
    Flattened flat = PyTrees.flatten(target);
    List<Object> leaves = new ArrayList<>(flat.leaves().size());
    restore(flat.treeDef(), state, flat.leaves().iterator(), leaves, KeyPath.root());
    return flat.treeDef().unflatten(leaves);
  }

  private static void restore(TreeDef def, Object state, Iterator<Object> targetLeaves, List<Object> out,
      KeyPath path) {
    switch (def.kind()) {
      case LEAF -> out.add(LeafRestore.restore(targetLeaves.next(), state, path));
      case NONE -> {
        if (state != null) {
          throw mismatch(path, "expected None, found " + Values.describe(state));
        }
      }
      default -> {
        List<String> keys = childKeys(def, path);
        if (!(state instanceof Map<?, ?> dict)) {
          throw mismatch(path, "expected a dict with keys " + Values.quoted(keys) + " for " + nodeName(def)
              + ", found " + Values.describe(state));
        }
        if (!dict.keySet().equals(new LinkedHashSet<Object>(keys))) {
          throw mismatch(path, "expected keys " + Values.quoted(keys) + " for " + nodeName(def) + ", found "
              + Values.quoted(dict.keySet()) + keyDifference(keys, dict.keySet()));
        }
        List<TreeDef> children = def.children();
        for (int i = 0; i < children.size(); i++) {
          String key = keys.get(i);
          restore(children.get(i), dict.get(key), targetLeaves, out, path.dict(key));
        }
      }
    }
  }

  private static String nodeName(TreeDef def) {
    return switch (def.kind()) {
      case DICT -> "a dict";
      case SEQUENCE -> "a list of " + def.children().size();
      default -> def.nodeType().name();
    };
  }

  private static String keyDifference(List<String> expected, Set<?> found) {
    List<String> missing = new ArrayList<>();
    for (String key : expected) {
      if (!found.contains(key)) {
        missing.add(key);
      }
    }
    List<Object> unexpected = new ArrayList<>();
    for (Object key : found) {
      if (!expected.contains(key)) {
        unexpected.add(key);
      }
    }
    StringBuilder sb = new StringBuilder(" (");
    if (!missing.isEmpty()) {
      sb.append("missing ").append(Values.quoted(missing));
    }
    if (!unexpected.isEmpty()) {
      sb.append(missing.isEmpty() ? "" : "; ").append("unexpected ").append(Values.quoted(unexpected));
    }
    return sb.append(')').toString();
  }

  static TreeMismatchException mismatch(KeyPath path, String message) {
    return new TreeMismatchException(path,
        "the state dict does not match the target at " + path.describe() + ": " + message);
  }
}
