package org.pytree4j;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * JAX's {@code jax.tree_util} for Java.
 *
 * <p>A pytree is built from containers and leaves:
 * <ul>
 *   <li>{@code Map} with String keys: children in sorted key order (by code point, as Python sorts
 *       {@code str} and JAX a dict's keys: {@link #keyOrder()}); rebuilt as an immutable sorted map.
 *       Keys print as {@code ['params']}.</li>
 *   <li>{@code List}: children in order; rebuilt as an immutable list. Keys print as {@code [0]}.</li>
 *   <li>{@link PyTreeNode} records (and other {@link CustomNode}s): pytree components in declaration
 *       order, static components kept in the structure. Keys print as {@code .kernel}.</li>
 *   <li>{@code null}: an empty subtree with no leaves, like Python's None.</li>
 *   <li>anything else is a leaf: {@code INDArray}, numbers, strings, any other object.</li>
 * </ul>
 *
 * <pre>{@code
 * Map<String, Object> params = Map.of("dense", Map.of("kernel", w, "bias", b));
 * List<Object> leaves = PyTrees.leaves(params);                   // [b, w] (sorted keys)
 * Map<String, Object> twice = PyTrees.map((INDArray x) -> x.mul(2), params);
 * PyTrees.leavesWithPath(params).get(0).path().keystr();          // ['dense']['bias']
 * }</pre>
 *
 * <p>Every error names the key path where it happened.
 */
public final class PyTrees {
  private static final PyTreeOps DEFAULT = new PyTreeOps(null);

  private PyTrees() {}

  /** The utilities with JAX's {@code is_leaf}: nodes for which {@code isLeaf} holds are leaves. */
  public static PyTreeOps isLeaf(Predicate<Object> isLeaf) {
    if (isLeaf == null) {
      throw new IllegalArgumentException("isLeaf must not be null");
    }
    return new PyTreeOps(isLeaf);
  }

  /**
   * The order of a dict's children: keys compared by Unicode code point, as Python compares
   * {@code str} (and so as {@code sorted(d)} and JAX order them). It differs from
   * {@link String#compareTo}, which compares UTF-16 units, only where a character above U+FFFF meets
   * one in U+E000..U+FFFF: {@code "\ufffd"} comes before {@code "😀"} here and in Python. The sorted
   * maps that unflattening builds use this comparator.
   */
  public static java.util.Comparator<String> keyOrder() {
    return CodePointOrder.INSTANCE;
  }

  /** {@code jax.tree.flatten(tree)}: leaves in order, and the structure. */
  public static Flattened flatten(Object tree) {
    return DEFAULT.flatten(tree);
  }

  /** {@code jax.tree.unflatten(treedef, leaves)}. */
  public static <T> T unflatten(TreeDef treeDef, List<?> leaves) {
    return treeDef.unflatten(leaves);
  }

  /** {@code jax.tree_util.tree_flatten_with_path(tree)}. */
  public static FlattenedWithPath flattenWithPath(Object tree) {
    return DEFAULT.flattenWithPath(tree);
  }

  /** {@code jax.tree.leaves(tree)}. */
  public static List<Object> leaves(Object tree) {
    return DEFAULT.leaves(tree);
  }

  /** {@code jax.tree_util.tree_leaves_with_path(tree)}. */
  public static List<LeafWithPath> leavesWithPath(Object tree) {
    return DEFAULT.leavesWithPath(tree);
  }

  /** {@code jax.tree.structure(tree)}. */
  public static TreeDef structure(Object tree) {
    return DEFAULT.structure(tree);
  }

  /**
   * A copy of {@code tree} with the subtree at {@code path} replaced by {@code value}, for maps, lists
   * and records alike: the nodes along the path are rebuilt (as {@link #unflatten} rebuilds them: maps
   * as sorted immutable maps, records through their companions), everything else is shared, and
   * {@code tree} is unchanged. Flax's {@code cursor(tree)['params']['dense']['kernel'].set(value)}.
   *
   * <pre>{@code
   * Map<String, Object> params2 = PyTrees.replaceAt(params, KeyPath.root().dict("dense").dict("kernel"), kernel);
   * TrainState<Mlp> state2 = PyTrees.replaceAt(state, KeyPath.root().attr("params").attr("hidden").attr("bias"), bias);
   * }</pre>
   *
   * @throws TreeMismatchException if the path leaves the tree (naming where, and the children there)
   * @throws InvalidTreeException if a record cannot hold {@code value} (naming the key path)
   */
  @SuppressWarnings("unchecked")
  public static <T> T replaceAt(T tree, KeyPath path, Object value) {
    return (T) ReplaceAt.replace(tree, path, value);
  }

  /** {@code jax.tree.map(f, tree)}. Give the lambda's parameter a type to receive typed leaves. */
  public static <L, T> T map(Function<? super L, ?> f, T tree) {
    return DEFAULT.map(f, tree);
  }

  /** {@code jax.tree.map(f, tree, other)}; {@code other} must have {@code tree} as a prefix. */
  public static <A, B, T> T map(BiFunction<? super A, ? super B, ?> f, T tree, Object other) {
    return DEFAULT.map(f, tree, other);
  }

  /** {@code jax.tree.map(f, tree, *rest)}; {@code f} gets one argument per tree. */
  public static <T> T mapN(Function<? super List<Object>, ?> f, T tree, Object... rest) {
    return DEFAULT.mapN(f, tree, rest);
  }

  /** {@code jax.tree_util.tree_map_with_path(f, tree)}. */
  public static <L, T> T mapWithPath(BiFunction<KeyPath, ? super L, ?> f, T tree) {
    return DEFAULT.mapWithPath(f, tree);
  }

  /** {@code jax.tree_util.tree_map_with_path(f, tree, *rest)}. */
  public static <T> T mapWithPathN(BiFunction<KeyPath, ? super List<Object>, ?> f, T tree, Object... rest) {
    return DEFAULT.mapWithPathN(f, tree, rest);
  }

  /** {@code jax.tree_util.tree_reduce(f, tree, initial)}. */
  public static <R, L> R reduce(BiFunction<R, ? super L, R> f, Object tree, R initial) {
    return DEFAULT.reduce(f, tree, initial);
  }

  /** {@code jax.tree_util.tree_all(tree)} over Boolean leaves. */
  public static boolean all(Object tree) {
    return DEFAULT.all(tree);
  }

  /** True when {@code predicate} holds for every leaf. */
  public static <L> boolean all(Predicate<? super L> predicate, Object tree) {
    return DEFAULT.all(predicate, tree);
  }

  /**
   * Checks that {@code other} has exactly the structure of {@code reference}, as JAX requires of
   * params and their gradients. On a difference it throws {@link TreeMismatchException} naming the
   * first differing key path, what was expected and found there, and both structures, e.g.
   * {@code grads do not match params at ['dense']['kernel']: expected a leaf but found dict ...}.
   *
   * @param otherName what {@code other} is, for the message ({@code "grads"})
   * @param referenceName what {@code reference} is ({@code "params"})
   */
  public static void requireSameStructure(Object reference, Object other, String otherName, String referenceName) {
    TreeDef expected = structure(reference);
    if (Flattener.hasStructure(expected, other)) {
      return;
    }
    String prefix = otherName + " do not match " + referenceName;
    java.util.function.Supplier<String> both =
        () -> "\n  " + referenceName + " structure: " + expected + "\n  " + otherName + " structure: " + describe(other);
    List<Object> atLeaves = Flattener.flattenUpTo(expected, other, prefix, both);
    if (expected.equals(structure(other))) {
      return;
    }
    // other has reference as a prefix but holds a subtree (or None) where reference has a leaf
    for (int i = 0; i < atLeaves.size(); i++) {
      Object found = atLeaves.get(i);
      if (!structure(found).isLeaf()) {
        KeyPath path = LeafPaths.pathOf(expected, i);
        throw new TreeMismatchException(path, prefix + " at " + path.describe() + ": expected a leaf but found "
            + Flattener.describeFound(found) + both.get());
      }
    }
    throw new AssertionError("structures differ but no differing position was found");
  }

  private static String describe(Object tree) {
    try {
      return structure(tree).toString();
    } catch (IllegalArgumentException e) {
      return "(not a valid tree: " + e.getMessage() + ")";
    }
  }
}
