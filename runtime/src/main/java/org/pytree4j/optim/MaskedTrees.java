package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pytree4j.Flattened;
import org.pytree4j.TreeDef;
import org.pytree4j.TreeMismatchException;

/**
 * Optax's {@code mask_pytree(tree, mask_tree)}: the tree a masked transformation passes to the one
 * inside, with each subtree its mask leaves out replaced by a {@link MaskedNode}. A Boolean prefix
 * mask ({@link PrefixMask}) replaces the whole subtree under a {@code false}, as Optax does; a mask
 * that selects leaf by leaf replaces each masked-out leaf, and a record holding one becomes a
 * {@link MaskedRecord} (its typed components cannot hold a node).
 */
final class MaskedTrees {
  private MaskedTrees() {}

  /** What a mask keeps of one tree, to apply to it and to the trees of its structure (params, updates). */
  static final class Selection {
    /** For a prefix mask: its structure and its Booleans; else null. */
    private final TreeDef prefix;
    private final boolean[] prefixKeep;
    /** For a leaf-by-leaf mask: per leaf of the tree (None counts, and is kept); else null. */
    private final boolean[] leafKeep;
    private final int leaves;

    private Selection(TreeDef prefix, boolean[] prefixKeep, boolean[] leafKeep, int leaves) {
      this.prefix = prefix;
      this.prefixKeep = prefixKeep;
      this.leafKeep = leafKeep;
      this.leaves = leaves;
    }

    /** Optax's {@code mask_pytree}: {@code tree} (of the structure the selection was made on) with masked-out subtrees replaced. */
    Object mask(Object tree) {
      if (prefix != null) {
        List<Object> subtrees = subtrees(tree);
        Object[] kept = new Object[subtrees.size()];
        for (int i = 0; i < kept.length; i++) {
          kept[i] = prefixKeep[i] ? subtrees.get(i) : MaskedNode.INSTANCE;
        }
        return prefix.unflatten(Arrays.asList(kept));
      }
      Flattened flat = UpdateTrees.NONE_IS_LEAF.flatten(tree);
      if (flat.leaves().size() != leaves) {
        throw OptimizerInputException.atPath("the tree does not fit the mask", org.pytree4j.KeyPath.root(),
            "the mask was made for " + leaves + " leaves but the tree has " + flat.leaves().size());
      }
      int[] at = {0};
      return rebuild(flat.treeDef(), flat.leaves(), at);
    }

    /** Per leaf of {@code tree} (None is a leaf): true where the masked transformation's output replaces it. */
    boolean[] keptLeaves(Object tree) {
      if (prefix == null) {
        return leafKeep.clone();
      }
      List<Object> subtrees = subtrees(tree);
      List<Boolean> out = new ArrayList<>();
      for (int i = 0; i < subtrees.size(); i++) {
        for (int k = UpdateTrees.NONE_IS_LEAF.leaves(subtrees.get(i)).size(); k > 0; k--) {
          out.add(prefixKeep[i]);
        }
      }
      boolean[] result = new boolean[out.size()];
      for (int i = 0; i < result.length; i++) {
        result[i] = out.get(i);
      }
      return result;
    }

    private List<Object> subtrees(Object tree) {
      try {
        return prefix.flattenUpTo(tree);
      } catch (TreeMismatchException e) {
        throw OptimizerInputException.atPath("the mask does not fit the tree it masks", e.path(), e.getMessage());
      }
    }

    private Object rebuild(TreeDef def, List<Object> flat, int[] at) {
      if (def.kind() == TreeDef.Kind.LEAF) {
        int i = at[0]++;
        return leafKeep[i] ? flat.get(i) : MaskedNode.INSTANCE;
      }
      if (def.kind() == TreeDef.Kind.NONE) {
        return null;
      }
      List<TreeDef> childDefs = def.children();
      Object[] children = new Object[childDefs.size()];
      boolean masked = false;
      for (int c = 0; c < children.length; c++) {
        children[c] = rebuild(childDefs.get(c), flat, at);
        masked |= children[c] instanceof MaskedNode || children[c] instanceof MaskedRecord;
      }
      List<TreeDef> leafDefs = java.util.Collections.nCopies(children.length, TreeDef.leaf());
      return switch (def.kind()) {
        case DICT -> TreeDef.dict(def.dictKeys(), leafDefs).unflatten(Arrays.asList(children));
        case SEQUENCE -> TreeDef.sequence(leafDefs).unflatten(Arrays.asList(children));
        default -> masked
            ? new MaskedRecord(def.nodeType(), def.auxData(), children)
            : TreeDef.node(def.nodeType(), def.auxData(), leafDefs).unflatten(Arrays.asList(children));
      };
    }
  }

  /** What {@code mask} keeps of {@code tree} (updates or params): computed from this tree, as Optax computes a callable mask. */
  static Selection select(Object tree, Mask mask) {
    if (mask instanceof PrefixMask prefixMask) {
      PrefixMask.Spread spread = prefixMask.spread(tree);
      return new Selection(spread.prefix(), spread.keep(), null, -1);
    }
    Flattened flat = UpdateTrees.NONE_IS_LEAF.flatten(tree);
    int arrays = 0;
    for (Object leaf : flat.leaves()) {
      arrays += leaf == null ? 0 : 1;
    }
    boolean[] selected = mask.select(tree);
    if (selected == null || selected.length != arrays) {
      throw OptimizerInputException.atPath("the mask does not fit the tree it masks", org.pytree4j.KeyPath.root(),
          "it selects among " + (selected == null ? "no" : String.valueOf(selected.length)) + " leaves but the tree has "
              + arrays);
    }
    boolean[] keep = new boolean[flat.leaves().size()];
    int k = 0;
    for (int i = 0; i < keep.length; i++) {
      keep[i] = flat.leaves().get(i) == null || selected[k++];
    }
    return new Selection(null, null, keep, keep.length);
  }
}
