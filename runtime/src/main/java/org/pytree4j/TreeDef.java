package org.pytree4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The structure of a pytree without its leaves: JAX's {@code PyTreeDef}. Immutable, with value
 * equality: two trees have equal structures when they have the same containers, the same dict keys,
 * the same list lengths, the same node types and equal static data.
 *
 * <pre>{@code
 * TreeDef def = PyTrees.structure(Map.of("a", x, "b", List.of(y, z)));
 * def.toString();          // PyTreeDef({'a': *, 'b': [*, *]})
 * def.numLeaves();         // 3
 * def.unflatten(leaves);   // a tree of this structure holding the given leaves
 * }</pre>
 */
public final class TreeDef {

  /** What a node of a structure is. */
  public enum Kind {
    /** A leaf: any value that is not a container. Printed {@code *}. */
    LEAF,
    /** {@code null}: an empty subtree with no leaves, like Python's None. */
    NONE,
    /** A {@code Map} with String keys, flattened in sorted key order ({@link PyTrees#keyOrder()}). */
    DICT,
    /** A {@code List}. */
    SEQUENCE,
    /** A custom node: a {@link PyTreeNode} record or another {@link NodeType}. */
    NODE
  }

  private static final TreeDef[] NO_CHILDREN = new TreeDef[0];
  private static final TreeDef LEAF = new TreeDef(Kind.LEAF, null, null, NO_CHILDREN);
  private static final TreeDef NONE = new TreeDef(Kind.NONE, null, null, NO_CHILDREN);

  private final Kind kind;
  private final NodeType<?> nodeType;
  private final Object auxData;
  private final TreeDef[] children;
  private final int numLeaves;
  private final int numNodes;
  /** Computed on first use: flattening builds many structures that are never hashed. */
  private int hash;

  private TreeDef(Kind kind, NodeType<?> nodeType, Object auxData, TreeDef[] children) {
    this.kind = kind;
    this.nodeType = nodeType;
    this.auxData = auxData;
    this.children = children;
    int leaves = kind == Kind.LEAF ? 1 : 0;
    int nodes = 1;
    for (TreeDef child : children) {
      leaves += child.numLeaves;
      nodes += child.numNodes;
    }
    this.numLeaves = leaves;
    this.numNodes = nodes;
  }

  /** The structure of a single leaf. */
  public static TreeDef leaf() {
    return LEAF;
  }

  /** The structure of {@code null}: no leaves. */
  public static TreeDef none() {
    return NONE;
  }

  /** A dict node; {@code sortedKeys} must be in {@link PyTrees#keyOrder()} and match {@code children}. */
  public static TreeDef dict(List<String> sortedKeys, List<TreeDef> children) {
    List<String> keys = List.copyOf(sortedKeys);
    if (keys.size() != children.size()) {
      throw new IllegalArgumentException("dict structure needs one child per key");
    }
    for (int i = 1; i < keys.size(); i++) {
      if (CodePointOrder.INSTANCE.compare(keys.get(i - 1), keys.get(i)) >= 0) {
        throw new IllegalArgumentException("dict keys must be sorted and distinct: " + keys);
      }
    }
    return new TreeDef(Kind.DICT, null, keys, children.toArray(NO_CHILDREN));
  }

  /** A sequence node with the given children. */
  public static TreeDef sequence(List<TreeDef> children) {
    return new TreeDef(Kind.SEQUENCE, null, null, children.toArray(NO_CHILDREN));
  }

  /** A custom node of {@code nodeType} with static data {@code auxData}. */
  public static TreeDef node(NodeType<?> nodeType, Object auxData, List<TreeDef> children) {
    return new TreeDef(Kind.NODE, Objects.requireNonNull(nodeType, "nodeType"), auxData,
        children.toArray(NO_CHILDREN));
  }

  static TreeDef dictOf(List<String> sortedKeys, TreeDef[] children) {
    return new TreeDef(Kind.DICT, null, sortedKeys, children);
  }

  static TreeDef sequenceOf(TreeDef[] children) {
    return new TreeDef(Kind.SEQUENCE, null, null, children);
  }

  static TreeDef nodeOf(NodeType<?> nodeType, Object auxData, TreeDef[] children) {
    return new TreeDef(Kind.NODE, nodeType, auxData, children);
  }

  public Kind kind() {
    return kind;
  }

  public boolean isLeaf() {
    return kind == Kind.LEAF;
  }

  /** The node type of a {@link Kind#NODE}; null otherwise. */
  public NodeType<?> nodeType() {
    return nodeType;
  }

  /** The static data of a {@link Kind#NODE} (for records, a {@link RecordNodeType.StaticFields}). */
  public Object auxData() {
    return kind == Kind.NODE ? auxData : null;
  }

  /** The keys of a {@link Kind#DICT} in {@link PyTrees#keyOrder()}; empty otherwise. */
  @SuppressWarnings("unchecked")
  public List<String> dictKeys() {
    return kind == Kind.DICT ? (List<String>) auxData : List.of();
  }

  public List<TreeDef> children() {
    return Collections.unmodifiableList(Arrays.asList(children));
  }

  TreeDef child(int index) {
    return children[index];
  }

  /** True when this node has children and every one of them is a leaf. */
  boolean childrenAreLeaves() {
    // a child of one node is a leaf or None, and only a leaf counts one leaf
    return children.length > 0 && numLeaves == children.length && numNodes == children.length + 1;
  }

  int arity() {
    return children.length;
  }

  public int numLeaves() {
    return numLeaves;
  }

  public int numNodes() {
    return numNodes;
  }

  /** The key of child {@code index}: {@code ['key']}, {@code [0]} or {@code .name}. */
  public KeyEntry childKey(int index) {
    return switch (kind) {
      case DICT -> new KeyEntry.DictKey(dictKeys().get(index));
      case SEQUENCE -> new KeyEntry.SequenceKey(index);
      case NODE -> nodeTypeUnchecked().childKey(auxData, index);
      default -> throw new IndexOutOfBoundsException(kind + " has no children");
    };
  }

  /** The key of child {@code index} in a state dict: the dict key, {@code "0"}, or the Python name. */
  public String stateDictKey(int index) {
    return switch (kind) {
      case DICT -> dictKeys().get(index);
      case SEQUENCE -> Integer.toString(index);
      case NODE -> nodeTypeUnchecked().stateDictKey(auxData, index);
      default -> throw new IndexOutOfBoundsException(kind + " has no children");
    };
  }

  /** Builds a tree of this structure from leaves in flatten order. */
  public <T> T unflatten(List<?> leaves) {
    return Unflattener.unflatten(this, leaves);
  }

  /**
   * JAX's {@code flatten_up_to}: the subtrees of {@code tree} at this structure's leaf positions.
   * {@code tree} must have this structure as a prefix; a mismatch throws {@link TreeMismatchException}
   * naming the first differing key path.
   */
  public List<Object> flattenUpTo(Object tree) {
    return Flattener.flattenUpTo(this, tree);
  }

  @SuppressWarnings("unchecked")
  NodeType<Object> nodeTypeUnchecked() {
    return (NodeType<Object>) nodeType;
  }

  /** This node alone, for messages: {@code dict with keys ['a', 'b']}, {@code list of 2}, {@code Dense}. */
  String describeNode() {
    return switch (kind) {
      case LEAF -> "a leaf";
      case NONE -> "None";
      case DICT -> "dict with keys " + quoted(dictKeys());
      case SEQUENCE -> "list of " + children.length;
      case NODE -> nodeType.name()
          + (auxData instanceof RecordNodeType.StaticFields f && !f.names().isEmpty() ? " with static " + f : "");
    };
  }

  static String quoted(List<String> keys) {
    List<String> q = new ArrayList<>(keys.size());
    for (String k : keys) {
      q.add("'" + k + "'");
    }
    return "[" + String.join(", ", q) + "]";
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof TreeDef other
        && hashCode() == other.hashCode()
        && kind == other.kind
        && nodeType == other.nodeType
        && Objects.equals(auxData, other.auxData)
        && Arrays.equals(children, other.children);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Objects.hash(kind, nodeType, auxData, Arrays.hashCode(children));
      hash = h == 0 ? 1 : h;
    }
    return hash;
  }

  /** {@code PyTreeDef({'a': *, 'b': [*, None]})}, records as {@code Dense(kernel=*, bias=*)}. */
  @Override
  public String toString() {
    return "PyTreeDef(" + render() + ")";
  }

  private String render() {
    switch (kind) {
      case LEAF:
        return "*";
      case NONE:
        return "None";
      case DICT: {
        List<String> keys = dictKeys();
        List<String> parts = new ArrayList<>(children.length);
        for (int i = 0; i < children.length; i++) {
          parts.add("'" + keys.get(i) + "': " + children[i].render());
        }
        return "{" + String.join(", ", parts) + "}";
      }
      case SEQUENCE: {
        List<String> parts = new ArrayList<>(children.length);
        for (TreeDef child : children) {
          parts.add(child.render());
        }
        return "[" + String.join(", ", parts) + "]";
      }
      default: {
        List<String> parts = new ArrayList<>(children.length);
        for (TreeDef child : children) {
          parts.add(child.render());
        }
        return nodeTypeUnchecked().describe(auxData, parts);
      }
    }
  }
}
