package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Flattened;
import org.pytree4j.KeyPath;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTreeOps;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;
import org.pytree4j.TreeMismatchException;

/**
 * Flattens updates, params and optimizer-state trees leaf by leaf, with None (null) as a leaf as in
 * Optax's {@code is_leaf=lambda x: x is None}, and checks that they fit together. Every problem is
 * an {@link OptimizerInputException} naming the key path and both sides.
 */
final class UpdateTrees {
  static final PyTreeOps NONE_IS_LEAF = PyTrees.isLeaf(Objects::isNull);

  private UpdateTrees() {}

  /** The leaves of an updates or params tree: floating-point INDArrays or null. */
  static final class Flat {
    final Object tree;
    final TreeDef def;
    final List<Object> leaves;
    private List<KeyPath> paths;

    private Flat(Object tree, TreeDef def, List<Object> leaves) {
      this.tree = tree;
      this.def = def;
      this.leaves = leaves;
    }

    int size() {
      return leaves.size();
    }

    /** Leaf {@code i}, or null for a None leaf. */
    INDArray array(int i) {
      return (INDArray) leaves.get(i);
    }

    KeyPath path(int i) {
      if (paths == null) {
        List<KeyPath> all = new ArrayList<>(leaves.size());
        for (LeafWithPath leaf : NONE_IS_LEAF.leavesWithPath(tree)) {
          all.add(leaf.path());
        }
        paths = all;
      }
      return paths.get(i);
    }

    /** A tree of this structure holding {@code newLeaves}. */
    <T> T unflatten(Object[] newLeaves) {
      return def.unflatten(Arrays.asList(newLeaves));
    }
  }

  /** Flattens {@code tree} (called {@code what} in messages), checking every leaf. */
  static Flat flatten(Object tree, String what) {
    Flattened flat = NONE_IS_LEAF.flatten(tree);
    Flat result = new Flat(tree, flat.treeDef(), flat.leaves());
    for (int i = 0; i < result.size(); i++) {
      Object leaf = result.leaves.get(i);
      if (leaf != null && !(leaf instanceof INDArray array && FloatTypes.isFloating(array.dataType()))) {
        throw OptimizerInputException.atPath(what + " must hold floating-point INDArrays or None (null)",
            result.path(i), "found " + FloatTypes.describeValue(leaf));
      }
    }
    return result;
  }

  /** Flattens a tree already checked by {@link #flatten}. */
  static Flat flattenChecked(Object tree) {
    Flattened flat = NONE_IS_LEAF.flatten(tree);
    return new Flat(tree, flat.treeDef(), flat.leaves());
  }

  /**
   * The leaves of {@code stateTree} (the state's component {@code field}, e.g. {@code mu}) at the
   * updates' leaf positions, checked: where the updates have an array the state has a floating-point
   * array of the same shape.
   */
  static List<Object> stateLeaves(Flat updates, Object stateTree, KeyPath field) {
    List<Object> state = matchStructure(updates, stateTree, "updates do not match the optimizer state", "the state",
        path -> concat(field, path));
    for (int i = 0; i < updates.size(); i++) {
      INDArray g = updates.array(i);
      if (g != null) {
        checkLeaf(g, state.get(i), "updates do not match the optimizer state", updates.path(i),
            concat(field, updates.path(i)), "the state");
      }
    }
    return state;
  }

  /**
   * Like {@link #stateLeaves}, for a state tree whose leaves have other shapes than the updates':
   * where the updates have an array at leaf {@code i}, the state has a floating-point array of shape
   * {@code shapes.apply(i)} ({@code what} says why, in the message).
   */
  static List<Object> stateLeavesShaped(Flat updates, Object stateTree, KeyPath field,
      java.util.function.IntFunction<long[]> shapes, String what) {
    List<Object> state = matchStructure(updates, stateTree, "updates do not match the optimizer state", "the state",
        path -> concat(field, path));
    for (int i = 0; i < updates.size(); i++) {
      INDArray g = updates.array(i);
      if (g == null) {
        continue;
      }
      Object leaf = state.get(i);
      long[] expected = shapes.apply(i);
      if (!(leaf instanceof INDArray array) || !FloatTypes.isFloating(array.dataType())
          || !Arrays.equals(expected, array.shape())) {
        throw new OptimizerInputException("updates do not match the optimizer state", updates.path(i),
            concat(field, updates.path(i)), "the updates have " + FloatTypes.describe(g) + ", for which " + what
                + " has shape " + Arrays.toString(expected) + ", but the state has " + Subtrees.describe(leaf));
      }
    }
    return state;
  }

  /** The leaves of {@code params} at the updates' leaf positions, checked like {@link #stateLeaves}. */
  static List<Object> paramsLeaves(Flat updates, Object params, String transformation) {
    if (params == null) {
      throw OptimizerInputException.atPath(transformation + " needs the current params", null,
          "pass them to update(updates, state, params); they were None (null)");
    }
    List<Object> leaves = matchStructure(updates, params, "params do not match the updates", "the params", path -> null);
    for (int i = 0; i < updates.size(); i++) {
      INDArray g = updates.array(i);
      if (g != null) {
        checkLeaf(g, leaves.get(i), "params do not match the updates", updates.path(i), null, "the params");
      }
    }
    return leaves;
  }

  /** Zeros like every array of {@code params} (in {@code dtype}, or each leaf's own when null); None stays None. */
  static Object zerosLike(Object params, DataType dtype) {
    return NONE_IS_LEAF.mapWithPath((KeyPath path, Object leaf) -> {
      if (leaf == null) {
        return null;
      }
      if (!(leaf instanceof INDArray array) || !FloatTypes.isFloating(array.dataType())) {
        throw OptimizerInputException.atPath("params must hold floating-point INDArrays or None (null)", path,
            "found " + FloatTypes.describeValue(leaf));
      }
      return LeafBuffers.zerosLike(array, dtype);
    }, params);
  }

  /**
   * {@code value} in the shape and dtype of every array of {@code params} (Optax's
   * {@code tree_full_like}); None stays None.
   */
  static Object fullLike(Object params, double value) {
    return NONE_IS_LEAF.mapWithPath((KeyPath path, Object leaf) -> {
      if (leaf == null) {
        return null;
      }
      if (!(leaf instanceof INDArray array) || !FloatTypes.isFloating(array.dataType())) {
        throw OptimizerInputException.atPath("params must hold floating-point INDArrays or None (null)", path,
            "found " + FloatTypes.describeValue(leaf));
      }
      INDArray zeros = LeafBuffers.zerosLike(array, null);
      return value == 0 || zeros.isEmpty() ? zeros : zeros.assign(value);
    }, params);
  }

  private static List<Object> matchStructure(
      Flat updates, Object other, String problem, String otherName, java.util.function.UnaryOperator<KeyPath> statePath) {
    try {
      return updates.def.flattenUpTo(other);
    } catch (TreeMismatchException e) {
      KeyPath path = e.path();
      Object mine = Subtrees.at(updates.tree, path);
      Object theirs = Subtrees.at(other, path);
      throw new OptimizerInputException(problem, path, statePath.apply(path),
          "the updates have " + Subtrees.describe(mine) + " but " + otherName + " has " + Subtrees.describe(theirs)
              + keyDiff(mine, theirs, otherName));
    }
  }

  private static String keyDiff(Object mine, Object theirs, String otherName) {
    if (!(mine instanceof java.util.Map<?, ?> a) || !(theirs instanceof java.util.Map<?, ?> b)) {
      return "";
    }
    List<String> missing = new ArrayList<>();
    for (Object k : a.keySet()) {
      if (!b.containsKey(k)) {
        missing.add("'" + k + "'");
      }
    }
    List<String> extra = new ArrayList<>();
    for (Object k : b.keySet()) {
      if (!a.containsKey(k)) {
        extra.add("'" + k + "'");
      }
    }
    missing.sort(null);
    extra.sort(null);
    return (missing.isEmpty() ? "" : "; only the updates have " + missing)
        + (extra.isEmpty() ? "" : "; only " + otherName + " has " + extra);
  }

  private static void checkLeaf(INDArray g, Object other, String problem, KeyPath path, KeyPath statePath, String otherName) {
    if (!(other instanceof INDArray array) || !FloatTypes.isFloating(array.dataType())) {
      throw new OptimizerInputException(problem, path, statePath,
          "the updates have " + FloatTypes.describe(g) + " but " + otherName + " has " + Subtrees.describe(other));
    }
    if (!Arrays.equals(g.shape(), array.shape())) {
      throw new OptimizerInputException(problem, path, statePath,
          "the updates have " + FloatTypes.describe(g) + " but " + otherName + " has " + FloatTypes.describe(array));
    }
  }

  /** {@code prefix} followed by {@code path}. */
  static KeyPath concat(KeyPath prefix, KeyPath path) {
    List<org.pytree4j.KeyEntry> entries = new ArrayList<>(prefix.entries());
    entries.addAll(path.entries());
    return KeyPath.of(entries);
  }
}
