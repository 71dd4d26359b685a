package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.pytree4j.Flattened;
import org.pytree4j.KeyPath;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;
import org.pytree4j.TreeMismatchException;

/** Labels given as a String tree with the structure of the tree they label, or a prefix of it. */
final class LabelTree implements Labels {
  private final Function<Object, Object> labelTreeFor;
  private final String description;

  LabelTree(Function<Object, Object> labelTreeFor, String description) {
    this.labelTreeFor = labelTreeFor;
    this.description = description;
  }

  @Override
  public String[] select(Object tree) {
    Object labelTree = labelTreeFor.apply(tree);
    Flattened labels = PyTrees.flatten(labelTree);
    List<Object> subtrees = subtrees(labels.treeDef(), tree);
    List<LeafWithPath> labelLeaves = PyTrees.leavesWithPath(labelTree);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < subtrees.size(); i++) {
      String label = label(labels.leaves().get(i), labelLeaves.get(i).path());
      for (int k = PyTrees.leaves(subtrees.get(i)).size(); k > 0; k--) {
        out.add(label);
      }
    }
    return out.toArray(new String[0]);
  }

  @Override
  public Mask is(String label) {
    return new PrefixMask(tree -> {
      Object labelTree = labelTreeFor.apply(tree);
      subtrees(PyTrees.structure(labelTree), tree);
      return PyTrees.mapWithPath((KeyPath path, Object l) -> label.equals(label(l, path)), labelTree);
    }, "labels " + description + " == '" + label + "'");
  }

  private static List<Object> subtrees(TreeDef labels, Object tree) {
    try {
      return labels.flattenUpTo(tree);
    } catch (TreeMismatchException e) {
      throw OptimizerInputException.atPath("the labels do not fit the tree they label", e.path(), e.getMessage());
    }
  }

  private static String label(Object leaf, KeyPath path) {
    if (!(leaf instanceof String s)) {
      throw OptimizerInputException.atPath("labels must be Strings", path, "found " + FloatTypes.describeValue(leaf));
    }
    return s;
  }

  /** These labels as computed for {@code tree}, for every tree of its structure. */
  LabelTree fixedFor(Object tree) {
    Object labelTree = labelTreeFor.apply(tree);
    return new LabelTree(t -> labelTree, description);
  }

  @Override
  public String toString() {
    return description;
  }
}
