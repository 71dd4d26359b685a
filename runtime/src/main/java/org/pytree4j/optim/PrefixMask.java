package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.pytree4j.Flattened;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;
import org.pytree4j.TreeMismatchException;

/**
 * A mask given as a Boolean tree with the structure of the tree it masks, or a prefix of it
 * ({@link Mask#of}, {@link Mask#fn}, {@link Labels#is}): a Boolean stands for the whole subtree under
 * it, and a masked transformation replaces a subtree under {@code false} by one {@link MaskedNode},
 * as Optax's does.
 */
final class PrefixMask implements Mask {
  private final Function<Object, Object> booleanTreeFor;
  private final String description;

  PrefixMask(Function<Object, Object> booleanTreeFor, String description) {
    this.booleanTreeFor = booleanTreeFor;
    this.description = description;
  }

  /** The Boolean prefix tree for {@code tree}: its structure, its Booleans (checked), and the subtrees of {@code tree} under them. */
  record Spread(TreeDef prefix, boolean[] keep, List<Object> subtrees) {}

  /** The Boolean tree for {@code tree}, checked to be a prefix of it with Boolean leaves. */
  Spread spread(Object tree) {
    Object booleanTree = booleanTreeFor.apply(tree);
    Flattened mask = PyTrees.flatten(booleanTree);
    TreeDef def = mask.treeDef();
    List<Object> subtrees;
    try {
      subtrees = def.flattenUpTo(tree);
    } catch (TreeMismatchException e) {
      throw OptimizerInputException.atPath("the mask does not fit the tree it masks", e.path(), e.getMessage());
    }
    List<LeafWithPath> maskLeaves = PyTrees.leavesWithPath(booleanTree);
    boolean[] keep = new boolean[subtrees.size()];
    for (int i = 0; i < keep.length; i++) {
      if (!(mask.leaves().get(i) instanceof Boolean b)) {
        throw OptimizerInputException.atPath("mask leaves must be Booleans", maskLeaves.get(i).path(),
            "found " + FloatTypes.describeValue(mask.leaves().get(i)));
      }
      keep[i] = b;
    }
    return new Spread(def, keep, subtrees);
  }

  @Override
  public boolean[] select(Object tree) {
    Spread s = spread(tree);
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < s.keep.length; i++) {
      for (int k = PyTrees.leaves(s.subtrees.get(i)).size(); k > 0; k--) {
        out.add(s.keep[i]);
      }
    }
    boolean[] result = new boolean[out.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = out.get(i);
    }
    return result;
  }

  @Override
  public String toString() {
    return description;
  }
}
