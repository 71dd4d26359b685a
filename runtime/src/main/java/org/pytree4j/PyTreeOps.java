package org.pytree4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The tree utilities with one {@code is_leaf} predicate applied everywhere. Obtain one with
 * {@link PyTrees#isLeaf(Predicate)}; {@link PyTrees}' static methods use the default (no predicate).
 *
 * <pre>{@code
 * // treat every list of exactly two arrays as a leaf
 * PyTrees.isLeaf(x -> x instanceof List<?> l && l.size() == 2).leaves(tree);
 * }</pre>
 */
public final class PyTreeOps {
  private final Predicate<Object> isLeaf;

  PyTreeOps(Predicate<Object> isLeaf) {
    this.isLeaf = isLeaf;
  }

  public Flattened flatten(Object tree) {
    List<Object> leaves = new ArrayList<>();
    TreeDef def = Flattener.flatten(tree, isLeaf, leaves, null);
    return new Flattened(leaves, def);
  }

  public FlattenedWithPath flattenWithPath(Object tree) {
    List<Object> leaves = new ArrayList<>();
    List<KeyPath> paths = new ArrayList<>();
    TreeDef def = Flattener.flatten(tree, isLeaf, leaves, paths);
    List<LeafWithPath> out = new ArrayList<>(leaves.size());
    for (int i = 0; i < leaves.size(); i++) {
      out.add(new LeafWithPath(paths.get(i), leaves.get(i)));
    }
    return new FlattenedWithPath(out, def);
  }

  public List<Object> leaves(Object tree) {
    return flatten(tree).leaves();
  }

  public List<LeafWithPath> leavesWithPath(Object tree) {
    return flattenWithPath(tree).leaves();
  }

  public TreeDef structure(Object tree) {
    return flatten(tree).treeDef();
  }

  /** {@code jax.tree.map(f, tree)}: a tree of the same structure holding {@code f(leaf)}. */
  public <L, T> T map(Function<? super L, ?> f, T tree) {
    Flattened flat = flatten(tree);
    List<Object> leaves = flat.leaves();
    Object[] out = new Object[leaves.size()];
    @SuppressWarnings("unchecked")
    Function<Object, ?> g = (Function<Object, ?>) f;
    for (int i = 0; i < out.length; i++) {
      Object leaf = leaves.get(i);
      out[i] = applyToLeaf(() -> g.apply(leaf), flat.treeDef(), i, leaf);
    }
    return flat.treeDef().unflatten(Arrays.asList(out));
  }

  /**
   * {@code jax.tree.map(f, tree, other)}: {@code other} must have {@code tree}'s structure as a prefix
   * (it may hold whole subtrees where {@code tree} has leaves).
   */
  public <A, B, T> T map(BiFunction<? super A, ? super B, ?> f, T tree, Object other) {
    @SuppressWarnings("unchecked")
    BiFunction<Object, Object, ?> g = (BiFunction<Object, Object, ?>) f;
    return mapN(args -> g.apply(args.get(0), args.get(1)), tree, other);
  }

  /**
   * {@code jax.tree.map(f, tree, *rest)}: {@code f} receives one argument per tree, in order. Every
   * tree in {@code rest} must have {@code tree}'s structure as a prefix.
   */
  public <T> T mapN(Function<? super List<Object>, ?> f, T tree, Object... rest) {
    Flattened first = flatten(tree);
    TreeDef def = first.treeDef();
    List<List<Object>> others = new ArrayList<>(rest.length);
    for (int t = 0; t < rest.length; t++) {
      others.add(leavesUpTo(def, rest[t], t + 1));
    }
    List<Object> leaves = first.leaves();
    Object[] out = new Object[leaves.size()];
    for (int i = 0; i < out.length; i++) {
      List<Object> args = argumentsAt(i, leaves.get(i), others);
      out[i] = applyToLeaf(() -> f.apply(args), def, i, args.get(0));
    }
    return def.unflatten(Arrays.asList(out));
  }

  /** {@code jax.tree_util.tree_map_with_path(f, tree)}. */
  public <L, T> T mapWithPath(BiFunction<KeyPath, ? super L, ?> f, T tree) {
    @SuppressWarnings("unchecked")
    BiFunction<KeyPath, Object, ?> g = (BiFunction<KeyPath, Object, ?>) f;
    return mapWithPathN((path, args) -> g.apply(path, args.get(0)), tree);
  }

  /** {@code jax.tree_util.tree_map_with_path(f, tree, *rest)}. */
  public <T> T mapWithPathN(BiFunction<KeyPath, ? super List<Object>, ?> f, T tree, Object... rest) {
    FlattenedWithPath first = flattenWithPath(tree);
    TreeDef def = first.treeDef();
    List<List<Object>> others = new ArrayList<>(rest.length);
    for (int t = 0; t < rest.length; t++) {
      others.add(leavesUpTo(def, rest[t], t + 1));
    }
    List<LeafWithPath> leaves = first.leaves();
    Object[] out = new Object[leaves.size()];
    for (int i = 0; i < out.length; i++) {
      List<Object> args = argumentsAt(i, leaves.get(i).leaf(), others);
      KeyPath path = leaves.get(i).path();
      out[i] = applyToLeaf(() -> f.apply(path, args), path, args.get(0));
    }
    return def.unflatten(Arrays.asList(out));
  }

  private static List<Object> argumentsAt(int i, Object first, List<List<Object>> others) {
    Object[] args = new Object[others.size() + 1];
    args[0] = first;
    for (int t = 0; t < others.size(); t++) {
      args[t + 1] = others.get(t).get(i);
    }
    return Arrays.asList(args);
  }

  /** {@code jax.tree_util.tree_reduce(f, tree, initial)}: folds the leaves left to right. */
  public <R, L> R reduce(BiFunction<R, ? super L, R> f, Object tree, R initial) {
    @SuppressWarnings("unchecked")
    BiFunction<R, Object, R> g = (BiFunction<R, Object, R>) f;
    R acc = initial;
    Flattened flat = flatten(tree);
    List<Object> leaves = flat.leaves();
    for (int i = 0; i < leaves.size(); i++) {
      R current = acc;
      Object leaf = leaves.get(i);
      acc = applyToLeaf(() -> g.apply(current, leaf), flat.treeDef(), i, leaf);
    }
    return acc;
  }

  /** {@code jax.tree_util.tree_all(tree)}: true when every leaf is {@code Boolean.TRUE}. */
  public boolean all(Object tree) {
    for (LeafWithPath leaf : leavesWithPath(tree)) {
      if (!(leaf.leaf() instanceof Boolean b)) {
        throw new InvalidTreeException(leaf.path(),
            "all(tree) needs Boolean leaves but the leaf at " + leaf.path().describe() + " is "
                + Leaves.describe(leaf.leaf()) + "; use all(predicate, tree)");
      }
      if (!b) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code predicate} holds for every leaf. */
  public <L> boolean all(Predicate<? super L> predicate, Object tree) {
    @SuppressWarnings("unchecked")
    Predicate<Object> p = (Predicate<Object>) predicate;
    Flattened flat = flatten(tree);
    List<Object> leaves = flat.leaves();
    for (int i = 0; i < leaves.size(); i++) {
      Object leaf = leaves.get(i);
      if (!applyToLeaf(() -> p.test(leaf), flat.treeDef(), i, leaf)) {
        return false;
      }
    }
    return true;
  }

  /** The subtrees of tree {@code index} at tree 0's leaf positions; a mismatch names the path and both structures. */
  private List<Object> leavesUpTo(TreeDef def, Object other, int index) {
    return Flattener.flattenUpTo(def, other, "tree " + index + " does not match tree 0",
        () -> structures(def.toString(), structureOf(other), index));
  }

  /** Both structures, or one when they print the same (they then differ in static data that does too). */
  private static String structures(String first, String other, int index) {
    if (first.equals(other)) {
      return "\n  both structures print as: " + first;
    }
    return "\n  tree 0 structure: " + first + "\n  tree " + index + " structure: " + other;
  }

  private String structureOf(Object tree) {
    try {
      return flatten(tree).treeDef().toString();
    } catch (IllegalArgumentException notATree) {
      return "(not a valid tree: " + notATree.getMessage() + ")";
    }
  }

  private static <R> R applyToLeaf(java.util.function.Supplier<R> call, TreeDef def, int index, Object leaf) {
    try {
      return call.get();
    } catch (ClassCastException e) {
      throw leafTypeError(e, LeafPaths.pathOf(def, index), leaf);
    }
  }

  private static <R> R applyToLeaf(java.util.function.Supplier<R> call, KeyPath path, Object leaf) {
    try {
      return call.get();
    } catch (ClassCastException e) {
      throw leafTypeError(e, path, leaf);
    }
  }

  private static InvalidTreeException leafTypeError(ClassCastException e, KeyPath path, Object leaf) {
    InvalidTreeException error = new InvalidTreeException(path,
        "the function threw ClassCastException on the leaf at " + path.describe() + " ("
            + Leaves.describe(leaf) + "): " + e.getMessage());
    error.initCause(e);
    return error;
  }
}
