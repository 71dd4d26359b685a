package org.pytree4j.optim;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;

/**
 * Which transformation of a {@link Optax#partition} each param belongs to: Optax's
 * {@code param_labels}, a label per leaf. As in Optax it is computed from the params at {@code init}
 * and from the updates at {@code update}.
 *
 * <pre>{@code
 * Labels.of(Map.of("backbone", "frozen", "head", "trainable"))     // a String tree, or a prefix of the params
 * Labels.fn(params -> labelTree)                                      // Optax's callable param_labels
 * Labels.byPath(path -> path.keystr().contains("bias") ? "b" : "w")   // from each leaf's key path
 * Labels.byPath((path, leaf) -> leaf.rank() > 1 ? "w" : "b")         // ... and its value
 * }</pre>
 *
 * A String tree uses maps and lists; a record with typed components cannot hold Strings, so label
 * records with {@link #byPath}.
 */
@FunctionalInterface
public interface Labels {

  /** One label per array leaf of {@code tree}, in flatten order (None leaves have none). */
  String[] select(Object tree);

  /**
   * The leaves labelled {@code label}, as a mask: Optax's {@code jax.tree.map(lambda l: l == label, labels)}.
   * For a String (prefix) tree it is the Boolean tree of the same structure, so a masked transformation
   * replaces a whole subtree of another label by one {@link MaskedNode}, as Optax's partition does.
   */
  default Mask is(String label) {
    return tree -> {
      String[] labels = select(tree);
      boolean[] out = new boolean[labels.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = label.equals(labels[i]);
      }
      return out;
    };
  }

  /** A String tree with the structure of the params, or a prefix of it (a String labels the whole subtree under it). */
  static Labels of(Object labelTree) {
    return new LabelTree(tree -> labelTree, String.valueOf(labelTree));
  }

  /** Optax's callable {@code param_labels}: {@code fn} gives the String (prefix) tree for the params or updates. */
  static Labels fn(Function<Object, Object> labelTreeFor) {
    return new LabelTree(labelTreeFor, "fn(" + labelTreeFor + ")");
  }

  /** The label of each array leaf from its key path. */
  static Labels byPath(Function<KeyPath, String> labelOf) {
    return byPath((path, leaf) -> labelOf.apply(path));
  }

  /** The label of each array leaf from its key path and value. */
  static Labels byPath(BiFunction<KeyPath, INDArray, String> labelOf) {
    return tree -> {
      List<LeafWithPath> leaves = PyTrees.leavesWithPath(tree);
      String[] out = new String[leaves.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(leaves.get(i).leaf() instanceof INDArray array)) {
          throw OptimizerInputException.atPath("a partitioned tree must hold INDArrays", leaves.get(i).path(),
              "found " + FloatTypes.describeValue(leaves.get(i).leaf()));
        }
        out[i] = labelOf.apply(leaves.get(i).path(), array);
        if (out[i] == null) {
          throw OptimizerInputException.atPath("a param has no label", leaves.get(i).path(),
              "the label function returned None (null)");
        }
      }
      return out;
    };
  }
}
