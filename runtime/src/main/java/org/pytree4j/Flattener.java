package org.pytree4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The tree walks behind {@link PyTrees}: classify, flatten, flatten with paths, flatten up to. */
final class Flattener {
  private Flattener() {}

  /** The node type of a custom node, or null when {@code x} is a leaf, map, list or null. */
  static NodeType<?> customNodeType(Object x) {
    if (x instanceof CustomNode node) {
      return node.pyTreeNodeType();
    }
    if (x == null || x instanceof Map || x instanceof List) {
      return null;
    }
    return NodeTypeLookup.find(x.getClass());
  }

  static TreeDef flatten(Object tree, Predicate<Object> isLeaf, List<Object> leaves, List<KeyPath> paths) {
    try {
      return walk(tree, isLeaf, leaves, paths, paths == null ? null : KeyPath.root());
    } catch (PathedFailure f) {
      throw f.toException("cannot flatten tree");
    }
  }

  @SuppressWarnings("unchecked")
  private static TreeDef walk(
      Object x, Predicate<Object> isLeaf, List<Object> leaves, List<KeyPath> paths, KeyPath path) {
    if (isLeaf != null && isLeaf.test(x)) {
      return leaf(x, leaves, paths, path);
    }
    if (x == null) {
      return TreeDef.none();
    }
    if (x instanceof INDArray) {
      // the common leaf first: the interface checks below each cost a scan of its class's supertypes
      return leaf(x, leaves, paths, path);
    }
    if (x instanceof CustomNode node) {
      return walkNode((NodeType<Object>) node.pyTreeNodeType(), x, isLeaf, leaves, paths, path);
    }
    if (x instanceof Map<?, ?> map) {
      return walkDict(map, isLeaf, leaves, paths, path);
    }
    if (x instanceof List<?> list) {
      TreeDef[] children = new TreeDef[list.size()];
      int i = 0;
      for (Object child : list) {
        try {
          children[i] = walk(child, isLeaf, leaves, paths, paths == null ? null : path.index(i));
        } catch (PathedFailure f) {
          throw f.at(new KeyEntry.SequenceKey(i));
        }
        i++;
      }
      return TreeDef.sequenceOf(children);
    }
    NodeType<?> record;
    try {
      record = NodeTypeLookup.find(x.getClass());
    } catch (IllegalStateException e) {
      throw PathedFailure.invalid(e.getMessage(), e);
    }
    if (record != null) {
      return walkNode((NodeType<Object>) record, x, isLeaf, leaves, paths, path);
    }
    return leaf(x, leaves, paths, path);
  }

  private static TreeDef leaf(Object x, List<Object> leaves, List<KeyPath> paths, KeyPath path) {
    leaves.add(x);
    if (paths != null) {
      paths.add(path);
    }
    return TreeDef.leaf();
  }

  private static TreeDef walkNode(
      NodeType<Object> type, Object x, Predicate<Object> isLeaf, List<Object> leaves, List<KeyPath> paths,
      KeyPath path) {
    Object aux = type.auxData(x);
    Object[] children = type.children(x);
    TreeDef[] defs = new TreeDef[children.length];
    for (int i = 0; i < children.length; i++) {
      try {
        defs[i] = walk(children[i], isLeaf, leaves, paths, paths == null ? null : path.child(type.childKey(aux, i)));
      } catch (PathedFailure f) {
        throw f.at(type.childKey(aux, i));
      }
    }
    return TreeDef.nodeOf(type, aux, defs);
  }

  private static TreeDef walkDict(
      Map<?, ?> map, Predicate<Object> isLeaf, List<Object> leaves, List<KeyPath> paths, KeyPath path) {
    DictEntries entries = DictEntries.of(map);
    TreeDef[] defs = new TreeDef[entries.keys.size()];
    if (allArrays(entries.values)) {
      // an array is a leaf whatever the predicate says: no walk, no call per leaf
      for (int i = 0; i < defs.length; i++) {
        defs[i] = leaf(entries.values[i], leaves, paths, paths == null ? null : path.dict(entries.keys.get(i)));
      }
      return TreeDef.dictOf(entries.keys, defs);
    }
    for (int i = 0; i < defs.length; i++) {
      String key = entries.keys.get(i);
      try {
        defs[i] = walk(entries.values[i], isLeaf, leaves, paths, paths == null ? null : path.dict(key));
      } catch (PathedFailure f) {
        throw f.at(new KeyEntry.DictKey(key));
      }
    }
    return TreeDef.dictOf(entries.keys, defs);
  }

  /**
   * True when every value is an array. One short loop over many values waits for their cache misses
   * together; the walk, which does far more per value, would wait for them one by one.
   */
  private static boolean allArrays(Object[] values) {
    boolean all = true;
    for (Object v : values) {
      all &= v instanceof INDArray;
    }
    return all;
  }

  /**
   * A dict's keys (checked to be Strings) in code-point order and its values in the same order. A
   * SortedMap is read in one pass over its entries (walking a large map's nodes is a cache miss per
   * node, so each pass counts); one in String's natural order is then checked, as that order differs
   * from code-point order for keys with surrogate pairs (see {@link CodePointOrder}).
   */
  private record DictEntries(List<String> keys, Object[] values) {
    static DictEntries of(Map<?, ?> map) {
      if (map instanceof SortedArrayMap dict) {
        List<String> keys = dict.keyList();
        Object[] values = new Object[keys.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = dict.valueAt(i);
        }
        return new DictEntries(keys, values);
      }
      if (map instanceof SortedMap<?, ?> sorted
          && (sorted.comparator() == null || sorted.comparator() == CodePointOrder.INSTANCE)) {
        String[] keys = new String[map.size()];
        Object[] values = new Object[keys.length];
        boolean surrogatePairs = false;
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          String key = requireStringKey(e.getKey());
          surrogatePairs |= key.codePointCount(0, key.length()) != key.length();
          keys[i] = key;
          values[i++] = e.getValue();
        }
        List<String> keyList = List.of(keys);
        if (sorted.comparator() != null || !surrogatePairs || CodePointOrder.isStrictlyIncreasing(keyList)) {
          return new DictEntries(keyList, values);
        }
      }
      List<String> keys = sortedKeys(map);
      Object[] values = new Object[keys.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = map.get(keys.get(i));
      }
      return new DictEntries(keys, values);
    }
  }

  /** The map's keys, checked to be Strings, in code-point order. */
  static List<String> sortedKeys(Map<?, ?> map) {
    List<String> keys = new ArrayList<>(map.size());
    for (Object key : map.keySet()) {
      keys.add(requireStringKey(key));
    }
    CodePointOrder.sort(keys);
    return List.copyOf(keys);
  }

  private static String requireStringKey(Object key) {
    if (!(key instanceof String s)) {
      throw PathedFailure.invalid(
          "map keys must be Strings (as in a Flax FrozenDict) but found key " + Leaves.repr(key)
              + " of type " + (key == null ? "null" : key.getClass().getName()), null);
    }
    return s;
  }

  static List<Object> flattenUpTo(TreeDef def, Object tree) {
    // the message renders the whole structure: only build it on failure
    List<Object> out = new ArrayList<>(def.numLeaves());
    try {
      upTo(def, tree, out);
    } catch (PathedFailure f) {
      throw f.toException("tree does not match structure " + def, "");
    }
    return out;
  }

  /**
   * True when {@code tree}'s structure (with no is_leaf predicate) equals {@code def}, decided in one
   * walk of {@code tree} without building its structure.
   */
  static boolean hasStructure(TreeDef def, Object tree) {
    List<Object> atLeaves = new ArrayList<>(def.numLeaves());
    try {
      upTo(def, tree, atLeaves);
      for (Object x : atLeaves) {
        if (!(x instanceof INDArray) && (x == null || x instanceof Map || x instanceof List || customNodeType(x) != null)) {
          return false;
        }
      }
      return true;
    } catch (PathedFailure | IllegalStateException e) {
      return false;
    }
  }

  /** Fails with {@code <prefix> at <path>: <what differs><suffix>}. */
  static List<Object> flattenUpTo(TreeDef def, Object tree, String prefix, Supplier<String> suffix) {
    List<Object> out = new ArrayList<>(def.numLeaves());
    try {
      upTo(def, tree, out);
    } catch (PathedFailure f) {
      throw f.toException(prefix, suffix.get());
    }
    return out;
  }

  private static void upTo(TreeDef def, Object x, List<Object> out) {
    switch (def.kind()) {
      case LEAF -> out.add(x);
      case NONE -> {
        if (x != null) {
          throw PathedFailure.mismatch("expected None but found " + describeFound(x));
        }
      }
      case DICT -> {
        if (!(x instanceof Map<?, ?> map) || customNodeType(x) != null) {
          throw PathedFailure.mismatch("expected " + def.describeNode() + " but found " + describeFound(x));
        }
        DictEntries entries = DictEntries.of(map);
        List<String> expected = def.dictKeys();
        if (!entries.keys.equals(expected)) {
          throw PathedFailure.mismatch("expected " + def.describeNode() + " but found keys "
              + TreeDef.quoted(entries.keys) + keyDiff(expected, entries.keys));
        }
        if (def.childrenAreLeaves()) {
          out.addAll(Arrays.asList(entries.values));
          return;
        }
        for (int i = 0; i < expected.size(); i++) {
          try {
            upTo(def.child(i), entries.values[i], out);
          } catch (PathedFailure f) {
            throw f.at(new KeyEntry.DictKey(expected.get(i)));
          }
        }
      }
      case SEQUENCE -> {
        if (!(x instanceof List<?> list) || customNodeType(x) != null) {
          throw PathedFailure.mismatch("expected " + def.describeNode() + " but found " + describeFound(x));
        }
        if (list.size() != def.arity()) {
          throw PathedFailure.mismatch("expected a list of " + def.arity() + " but found a list of " + list.size());
        }
        Iterator<?> it = list.iterator();
        for (int i = 0; i < def.arity(); i++) {
          try {
            upTo(def.child(i), it.next(), out);
          } catch (PathedFailure f) {
            throw f.at(new KeyEntry.SequenceKey(i));
          }
        }
      }
      case NODE -> {
        NodeType<?> type;
        try {
          type = customNodeType(x);
        } catch (IllegalStateException e) {
          throw PathedFailure.invalid(e.getMessage(), e);
        }
        if (type != def.nodeType()) {
          throw PathedFailure.mismatch("expected " + def.nodeType().name() + " but found " + describeFound(x));
        }
        @SuppressWarnings("unchecked")
        NodeType<Object> nodeType = (NodeType<Object>) type;
        Object aux = nodeType.auxData(x);
        if (!java.util.Objects.equals(aux, def.auxData())) {
          throw PathedFailure.mismatch(
              "expected " + def.nodeType().name() + " with static data " + def.auxData()
                  + " but found static data " + aux);
        }
        Object[] children = nodeType.children(x);
        for (int i = 0; i < children.length; i++) {
          try {
            upTo(def.child(i), children[i], out);
          } catch (PathedFailure f) {
            throw f.at(nodeType.childKey(aux, i));
          }
        }
      }
      default -> throw new AssertionError(def.kind());
    }
  }

  private static String keyDiff(List<String> expected, List<String> found) {
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(found);
    List<String> extra = new ArrayList<>(found);
    extra.removeAll(expected);
    StringBuilder sb = new StringBuilder();
    if (!missing.isEmpty()) {
      sb.append("; missing ").append(TreeDef.quoted(missing));
    }
    if (!extra.isEmpty()) {
      sb.append("; unexpected ").append(TreeDef.quoted(extra));
    }
    return sb.toString();
  }

  /** What a subtree is, for "expected X but found Y" messages. */
  static String describeFound(Object x) {
    if (x == null) {
      return "None";
    }
    NodeType<?> type;
    try {
      type = customNodeType(x);
    } catch (IllegalStateException e) {
      type = null;
    }
    if (type != null) {
      return type.name();
    }
    if (x instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>();
      for (Object k : map.keySet()) {
        keys.add(String.valueOf(k));
      }
      keys.sort(CodePointOrder.INSTANCE);
      return "dict with keys " + TreeDef.quoted(keys);
    }
    if (x instanceof List<?> list) {
      return "list of " + list.size();
    }
    return "a leaf (" + Leaves.describe(x) + ")";
  }
}
