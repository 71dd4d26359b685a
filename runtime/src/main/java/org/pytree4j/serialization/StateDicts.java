package org.pytree4j.serialization;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.KeyPath;
import org.pytree4j.NodeType;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.random.PRNGKey;

/**
 * Flax's {@code to_state_dict} / {@code from_state_dict}, driven by the tree's {@link TreeDef}: every
 * container (map, list, record, custom node) becomes a dict keyed by {@link TreeDef#stateDictKey};
 * static record components are not children, so they stay out of the dict and come back from the
 * target's structure.
 *
 * <p>Key order, as Flax's: a map with an order of its own ({@link MapOrder}) keeps it, any other
 * map's keys are sorted as JAX sorts them. A restored dict takes the target map's order when it has
 * one (Flax iterates the target), else the saved dict's order, so bytes restored into maps without
 * an order of their own ({@code Map.of}) write back identically; a sorted target restores sorted.
 */
final class StateDicts {
  private StateDicts() {}

  /** The state dict of any tree: a map for a container, {@code null} for None, the leaf itself for a leaf. */
  static Object toStateDictValue(Object tree) {
    return build(PyTrees.structure(tree), tree, KeyPath.root());
  }

  private static Object build(TreeDef def, Object x, KeyPath path) {
    return switch (def.kind()) {
      case LEAF -> x instanceof PRNGKey key ? key.toArray() : x;   // JAX's raw key data, uint32[2]
      case NONE -> null;
      case DICT -> {
        Map<?, ?> map = (Map<?, ?>) x;
        LinkedHashMap<String, Object> dict = new LinkedHashMap<>();
        for (String key : writeOrder(def, map)) {
          dict.put(key, build(def.children().get(childIndex(def, key)), map.get(key), path.dict(key)));
        }
        yield new InsertionOrderedMap(dict);
      }
      default -> {
        List<String> keys = childKeys(def, path);
        List<TreeDef> children = def.children();
        Object[] values = childValues(def, x);
        LinkedHashMap<String, Object> dict = new LinkedHashMap<>();
        for (int i = 0; i < children.size(); i++) {
          dict.put(keys.get(i), build(children.get(i), values[i], path.dict(keys.get(i))));
        }
        yield new InsertionOrderedMap(dict);
      }
    };
  }

  /** A dict node's keys in the order its map writes them: its own, or sorted. */
  private static List<String> writeOrder(TreeDef def, Map<?, ?> map) {
    if (!MapOrder.hasOwnOrder(map)) {
      return def.dictKeys();
    }
    List<String> keys = new ArrayList<>(map.size());
    for (Object key : map.keySet()) {
      keys.add((String) key); // flattening checked that every key is a String
    }
    return keys;
  }

  private static int childIndex(TreeDef def, String key) {
    return Collections.binarySearch(def.dictKeys(), key, PyTrees.keyOrder());
  }

  /** The children of a sequence or custom node, in the order of {@code def.children()}. */
  @SuppressWarnings("unchecked")
  private static Object[] childValues(TreeDef def, Object x) {
    if (def.kind() == TreeDef.Kind.SEQUENCE) {
      return ((List<?>) x).toArray();
    }
    return ((NodeType<Object>) def.nodeType()).children(x);
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
   * Restores {@code state} into the structure of {@code target}, converting every leaf to the target
   * leaf's type. Throws naming the key path of the first difference; no partly restored tree is
   * ever returned.
   */
  @SuppressWarnings("unchecked")
  static <T> T restore(T target, Object state) {
    return (T) restore(PyTrees.structure(target), target, state, KeyPath.root());
  }

  private static Object restore(TreeDef def, Object target, Object state, KeyPath path) {
    switch (def.kind()) {
      case LEAF:
        return LeafRestore.restore(target, state, path);
      case NONE:
        if (state != null) {
          throw mismatch(path, "expected None, found " + Values.describe(state));
        }
        return null;
      case DICT:
        return restoreDict(def, (Map<?, ?>) target, requireDict(def, state, def.dictKeys(), path), path);
      default: {
        List<String> keys = childKeys(def, path);
        Map<?, ?> dict = requireDict(def, state, keys, path);
        List<TreeDef> children = def.children();
        Object[] targets = childValues(def, target);
        Object[] restored = new Object[targets.length];
        for (int i = 0; i < restored.length; i++) {
          String key = keys.get(i);
          restored[i] = restore(children.get(i), targets[i], dict.get(key), path.dict(key));
        }
        if (def.kind() == TreeDef.Kind.SEQUENCE) {
          return Collections.unmodifiableList(Arrays.asList(restored));
        }
        return unflattenNode(def, restored, path);
      }
    }
  }

  private static Map<String, Object> restoreDict(TreeDef def, Map<?, ?> target, Map<?, ?> state, KeyPath path) {
    List<String> sorted = def.dictKeys();
    List<TreeDef> children = def.children();
    if (target instanceof SortedMap<?, ?> || (!MapOrder.hasOwnOrder(target) && !MapOrder.hasOwnOrder(state))) {
      List<Object> values = new ArrayList<>(sorted.size());
      for (int i = 0; i < sorted.size(); i++) {
        String key = sorted.get(i);
        values.add(restore(children.get(i), target.get(key), state.get(key), path.dict(key)));
      }
      // the pytree's own sorted dict, as unflattening builds it
      return TreeDef.dict(sorted, Collections.nCopies(sorted.size(), TreeDef.leaf())).unflatten(values);
    }
    Map<?, ?> order = MapOrder.hasOwnOrder(target) ? target : state;
    LinkedHashMap<String, Object> dict = new LinkedHashMap<>();
    for (Object k : order.keySet()) {
      String key = (String) k;
      dict.put(key, restore(children.get(childIndex(def, key)), target.get(key), state.get(key), path.dict(key)));
    }
    return new InsertionOrderedMap(dict);
  }

  /** {@code state} as a dict with exactly {@code keys}, or a mismatch naming the difference. */
  private static Map<?, ?> requireDict(TreeDef def, Object state, List<String> keys, KeyPath path) {
    if (!(state instanceof Map<?, ?> dict)) {
      throw mismatch(path, "expected a dict with keys " + Values.quoted(keys) + " for " + nodeName(def)
          + ", found " + Values.describe(state));
    }
    if (!dict.keySet().equals(new LinkedHashSet<Object>(keys))) {
      throw mismatch(path, "expected keys " + Values.quoted(keys) + " for " + nodeName(def) + ", found "
          + Values.quoted(dict.keySet()) + keyDifference(keys, dict.keySet()));
    }
    return dict;
  }

  @SuppressWarnings("unchecked")
  private static Object unflattenNode(TreeDef def, Object[] children, KeyPath path) {
    try {
      return ((NodeType<Object>) def.nodeType()).unflatten(def.auxData(), children);
    } catch (IllegalArgumentException | ClassCastException e) {
      InvalidTreeException failure = new InvalidTreeException(path, "cannot restore " + path.describe() + ": "
          + e.getMessage());
      failure.initCause(e);
      throw failure;
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
    return sb.toString() + ')';
  }

  static TreeMismatchException mismatch(KeyPath path, String message) {
    return new TreeMismatchException(path,
        "the state dict does not match the target at " + path.describe() + ": " + message);
  }
}
