package org.pytree4j.optim;

import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;

/**
 * Which leaves a masked transformation applies to (Optax's {@code mask} argument). As in Optax it is
 * computed from the params at {@code init} and from the updates at {@code update}.
 *
 * <pre>{@code
 * Mask.byLeaf(x -> x.rank() > 1)                          // lambda p: jax.tree.map(lambda x: x.ndim > 1, p)
 * Mask.byPath((path, x) -> !path.simple().endsWith("bias"))
 * Mask.of(Map.of("dense", Map.of("kernel", true, "bias", false), "head", false))   // a Boolean prefix tree
 * Mask.fn(params -> ...a Boolean prefix tree...)           // Optax's callable mask
 * }</pre>
 */
@FunctionalInterface
public interface Mask {

  /**
   * One Boolean per array leaf of {@code tree}, in flatten order (None leaves have none): true where
   * the transformation applies.
   */
  boolean[] select(Object tree);

  /**
   * A Boolean tree with the structure of the params or a prefix of it (a Boolean stands for the whole
   * subtree under it). Use maps and lists for its nodes; a record with typed components cannot hold
   * Booleans, so mask records with {@link #byPath} or {@link #byLeaf}.
   */
  static Mask of(Object booleanTree) {
    return new PrefixMask(tree -> booleanTree, String.valueOf(booleanTree));
  }

  /** Optax's callable mask: {@code fn} gives the Boolean (prefix) tree for the params or updates. */
  static Mask fn(Function<Object, Object> booleanTreeFor) {
    return new PrefixMask(booleanTreeFor, "fn(" + booleanTreeFor + ")");
  }

  /** True for the array leaves that {@code predicate} accepts. */
  static Mask byLeaf(Predicate<INDArray> predicate) {
    return byPath((path, leaf) -> predicate.test(leaf));
  }

  /** True for the array leaves whose key path and value {@code predicate} accepts. */
  static Mask byPath(BiPredicate<KeyPath, INDArray> predicate) {
    return tree -> {
      List<LeafWithPath> leaves = PyTrees.leavesWithPath(tree);
      boolean[] out = new boolean[leaves.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(leaves.get(i).leaf() instanceof INDArray array)) {
          throw OptimizerInputException.atPath("a masked tree must hold INDArrays", leaves.get(i).path(),
              "found " + FloatTypes.describeValue(leaves.get(i).leaf()));
        }
        out[i] = predicate.test(leaves.get(i).path(), array);
      }
      return out;
    };
  }
}
