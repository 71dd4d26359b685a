package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;
import org.pytree4j.TreeMismatchException;

/**
 * One argument of the graph (the params, or the batch) as a structure plus one {@link InputLeaf} per
 * leaf, and the check every call runs before anything is bound or computed.
 */
final class GraphInputs {
  private final String argument;
  private final TreeDef treeDef;
  private final List<InputLeaf> leaves;
  private final Object[] lastChecked;

  private GraphInputs(String argument, TreeDef treeDef, List<InputLeaf> leaves) {
    this.argument = argument;
    this.treeDef = treeDef;
    this.leaves = List.copyOf(leaves);
    this.lastChecked = new Object[leaves.size()];
  }

  /** The params: floating-point INDArray leaves of fixed shape. */
  static GraphInputs params(Object example) {
    var flat = PyTrees.flattenWithPath(example);
    List<InputLeaf> leaves = new ArrayList<>();
    for (LeafWithPath leaf : flat.leaves()) {
      if (!(leaf.leaf() instanceof INDArray array) || !array.dataType().isFPType()) {
        throw new InvalidTreeException(leaf.path(), "params" + leaf.path().keystr()
            + ": every params leaf must be a floating-point INDArray to be differentiated, but found " + leaf
            + "; mark static components @Field(pytreeNode = false)");
      }
      leaves.add(InputLeaf.param(leaf.path(), array));
    }
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("params " + flat.treeDef() + " has no leaves to differentiate");
    }
    return new GraphInputs("params", flat.treeDef(), leaves);
  }

  /** The batch: INDArray leaves, batched along dimension 0 (any size, the same for every leaf). */
  static GraphInputs batch(Object example) {
    var flat = PyTrees.flattenWithPath(example);
    List<InputLeaf> leaves = new ArrayList<>();
    for (LeafWithPath leaf : flat.leaves()) {
      if (!(leaf.leaf() instanceof INDArray array)) {
        throw new InvalidTreeException(leaf.path(), "batch" + leaf.path().keystr()
            + ": every batch leaf must be an INDArray, but found " + leaf);
      }
      leaves.add(InputLeaf.placeholder(leaf.path(), array));
    }
    return new GraphInputs("batch", flat.treeDef(), leaves);
  }

  /**
   * A variable collection that is not differentiated, such as Flax's {@code batch_stats}: INDArray leaves
   * of fixed shape, each a placeholder named {@code name} + its key path ({@code batch_stats['bn'].mean}).
   */
  static GraphInputs collection(String name, Object example) {
    var flat = PyTrees.flattenWithPath(example);
    List<InputLeaf> leaves = new ArrayList<>();
    for (LeafWithPath leaf : flat.leaves()) {
      if (!(leaf.leaf() instanceof INDArray array)) {
        throw new InvalidTreeException(leaf.path(), name + leaf.path().keystr()
            + ": every leaf of the " + name + " collection must be an INDArray, but found " + leaf);
      }
      leaves.add(InputLeaf.fixedPlaceholder(name, leaf.path(), array));
    }
    return new GraphInputs(name, flat.treeDef(), leaves);
  }

  String argument() {
    return argument;
  }

  TreeDef treeDef() {
    return treeDef;
  }

  List<InputLeaf> leaves() {
    return leaves;
  }

  /**
   * The leaves of {@code tree} in flatten order, after checking that it has this structure and that
   * every leaf has the data type and shape of its graph input.
   *
   * <p>The structure is checked by the same single walk that collects the leaves. A leaf that is the
   * very array the previous check accepted at its place is not checked again (an INDArray's data type
   * and shape do not change), so a call with the same batch, or with params of which few leaves
   * changed, costs the walk and one comparison per leaf.
   *
   * @throws TreeMismatchException if the structure differs (the message names the key path)
   * @throws InvalidTreeException if a leaf does not fit its input (the message names the key path and
   *     the SameDiff variable or placeholder)
   */
  List<INDArray> check(Object tree) {
    List<Object> found;
    try {
      found = treeDef.flattenUpTo(tree);
    } catch (TreeMismatchException e) {
      throw new TreeMismatchException(e.path(), mismatchPrefix() + e.getMessage());
    }
    List<INDArray> arrays = new ArrayList<>(found.size());
    int firstBatched = -1;
    for (int i = 0; i < found.size(); i++) {
      InputLeaf leaf = leaves.get(i);
      Object candidate = found.get(i);
      INDArray array = candidate == lastChecked[i] && candidate != null ? (INDArray) candidate : leaf.check(candidate);
      if (leaf.batched()) {
        if (firstBatched < 0) {
          firstBatched = i;
        } else if (array.size(0) != arrays.get(firstBatched).size(0)) {
          throw new InvalidTreeException(leaf.path(), "batch leaves disagree on the batch size (dimension 0): "
              + leaves.get(firstBatched).name() + " has " + arrays.get(firstBatched).size(0) + " but "
              + leaf.name() + " has " + array.size(0));
        }
      }
      arrays.add(array);
    }
    for (int i = 0; i < arrays.size(); i++) {
      lastChecked[i] = arrays.get(i);   // only once the whole tree passed
    }
    return arrays;
  }

  private String mismatchPrefix() {
    if (!argument.equals("batch")) {
      return argument + " do not match the graph's " + argument + ": ";
    }
    List<String> names = new ArrayList<>(leaves.size());
    for (InputLeaf leaf : leaves) {
      names.add(leaf.name());
    }
    return "batch does not match the graph's placeholders " + names + ": ";
  }
}
