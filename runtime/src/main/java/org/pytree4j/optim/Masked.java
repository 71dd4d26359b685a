package org.pytree4j.optim;

import java.util.Map;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;

/**
 * Optax's {@code masked(inner, mask)}: {@code inner} sees only the leaves where the mask is true;
 * those come out of {@code inner} transformed, the others pass through unchanged. State:
 * {@link MaskedState}.
 *
 * <p>Where Optax puts a {@code MaskedNode} in place of a masked-out subtree, this puts None (null) in
 * place of each masked-out leaf: a record component typed {@code INDArray} can hold null but not a
 * node of another type. The inner transformation treats those leaves as Optax treats None (no
 * update, no state), and its state keeps the params' structure.
 */
public final class Masked extends AbstractTransformation {
  private static final KeyEntry INNER = new KeyEntry.GetAttrKey("innerState");

  private final GradientTransformation inner;
  private final Mask mask;

  Masked(GradientTransformation inner, Mask mask) {
    if (inner == null || mask == null) {
      throw new IllegalArgumentException("masked needs a transformation and a mask, not null");
    }
    this.inner = inner;
    this.mask = mask;
  }

  @Override
  public OptState init(Object params) {
    UpdateTrees.Flat p = UpdateTrees.flatten(params, "params");
    return new MaskedState(inner.init(keep(p, mask.select(params))));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    MaskedState s = stateAs(state, MaskedState.class, "masked");
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    boolean[] selected = selection(u, updates);
    Object maskedParams = null;
    if (params != null) {
      UpdateTrees.paramsLeaves(u, params, "masked");
      maskedParams = keep(UpdateTrees.flattenChecked(params), selected);
    }
    checkPart(inner, keep(u, selected), s.innerState(), maskedParams, extraArgs, INNER);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    MaskedState s = (MaskedState) state;
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    boolean[] selected = selection(u, updates);
    Object maskedParams = params == null ? null : keep(UpdateTrees.flattenChecked(params), selected);
    UpdateResult r = applyPart(inner, inner instanceof AbstractTransformation, keep(u, selected), s.innerState(),
        maskedParams, extraArgs, INNER);
    java.util.List<Object> transformed = u.def.flattenUpTo(r.updates());
    Object[] merged = new Object[u.size()];
    int k = 0;
    for (int i = 0; i < merged.length; i++) {
      if (u.leaves.get(i) == null) {
        continue;
      }
      merged[i] = selected[k++] ? transformed.get(i) : u.leaves.get(i);
    }
    return new UpdateResult(u.unflatten(merged), new MaskedState(r.state()));
  }

  /** The mask for the updates, checked to have one Boolean per array leaf. */
  private boolean[] selection(UpdateTrees.Flat u, Object updates) {
    boolean[] selected = mask.select(updates);
    int arrays = 0;
    for (Object leaf : u.leaves) {
      arrays += leaf == null ? 0 : 1;
    }
    if (selected.length != arrays) {
      throw OptimizerInputException.atPath("the mask does not fit the updates", KeyPath.root(),
          "it selects among " + selected.length + " leaves but the updates have " + arrays);
    }
    return selected;
  }

  /** The tree of {@code flat} with the array leaves not selected replaced by None (null). */
  private static Object keep(UpdateTrees.Flat flat, boolean[] selected) {
    Object[] leaves = new Object[flat.size()];
    int k = 0;
    for (int i = 0; i < leaves.length; i++) {
      Object leaf = flat.leaves.get(i);
      if (leaf != null) {
        leaves[i] = selected[k++] ? leaf : null;
      }
    }
    return flat.unflatten(leaves);
  }

  @Override
  public String toString() {
    return "masked(" + inner + ", " + mask + ")";
  }
}
