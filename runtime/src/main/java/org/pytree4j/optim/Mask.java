package org.pytree4j.optim;

import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.PyTrees;

/**
 * Which parts of the params a masked transformation applies to (Optax's {@code mask} argument): a
 * tree of Booleans with the params' structure or a prefix of it, true where the transformation
 * applies. As in Optax it is computed from the params at {@code init} and from the updates at
 * {@code update}.
 *
 * <pre>{@code
 * Mask.byLeaf(x -> x.rank() > 1)                        // lambda p: jax.tree.map(lambda x: x.ndim > 1, p)
 * Mask.byPath((path, x) -> !path.simple().endsWith("bias"))
 * Mask.of(Map.of("dense", Map.of("kernel", true, "bias", false)))
 * }</pre>
 */
@FunctionalInterface
public interface Mask {

  /** The Boolean tree for {@code tree} (the params at init, the updates at update). */
  Object treeFor(Object tree);

  /** A fixed Boolean tree (a prefix of the params' structure). */
  static Mask of(Object booleanTree) {
    return new Mask() {
      @Override
      public Object treeFor(Object tree) {
        return booleanTree;
      }

      @Override
      public String toString() {
        return String.valueOf(booleanTree);
      }
    };
  }

  /** True for the array leaves that {@code predicate} accepts. */
  static Mask byLeaf(Predicate<INDArray> predicate) {
    return tree -> PyTrees.map((INDArray x) -> predicate.test(x), tree);
  }

  /** True for the array leaves whose key path and value {@code predicate} accepts. */
  static Mask byPath(BiPredicate<KeyPath, INDArray> predicate) {
    return tree -> PyTrees.mapWithPath((KeyPath path, INDArray x) -> predicate.test(path, x), tree);
  }
}
