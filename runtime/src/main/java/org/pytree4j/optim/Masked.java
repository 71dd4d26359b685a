package org.pytree4j.optim;

import java.util.List;
import java.util.Map;
import org.pytree4j.KeyEntry;

/**
 * Optax's {@code masked(inner, mask)}: {@code inner} sees only the leaves where the mask is true;
 * those come out of {@code inner} transformed, the others pass through unchanged. State:
 * {@link MaskedState}.
 *
 * <p>As in Optax, {@code inner} sees the params and updates with each subtree the mask leaves out
 * replaced by a {@link MaskedNode} (a whole subtree under a {@code false} of a Boolean prefix mask,
 * each leaf of a mask that selects leaf by leaf), so its state has Optax's structure and state dict:
 * a Flax-written masked state restores into it, and its bytes load in Python. A record with a
 * masked-out component becomes a {@link MaskedRecord} there, since its typed components cannot hold
 * a node.
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
    UpdateTrees.flatten(params, "params");
    return new MaskedState(inner.init(MaskedTrees.select(params, mask).mask(params)));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    MaskedState s = stateAs(state, MaskedState.class, "masked");
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    MaskedTrees.Selection selection = MaskedTrees.select(updates, mask);
    Object maskedParams = null;
    if (params != null) {
      UpdateTrees.paramsLeaves(u, params, "masked");
      maskedParams = selection.mask(params);
    }
    checkPart(inner, selection.mask(updates), s.innerState(), maskedParams, extraArgs, INNER);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    MaskedState s = (MaskedState) state;
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    MaskedTrees.Selection selection = MaskedTrees.select(updates, mask);
    Object maskedParams = params == null ? null : selection.mask(params);
    UpdateResult r = applyPart(inner, inner instanceof AbstractTransformation, selection.mask(updates), s.innerState(),
        maskedParams, extraArgs, INNER);
    boolean[] kept = selection.keptLeaves(updates);
    List<Object> transformed = UpdateTrees.NONE_IS_LEAF.leaves(r.updates());
    int keptCount = 0;
    for (boolean keep : kept) {
      keptCount += keep ? 1 : 0;
    }
    if (keptCount != transformed.size()) {
      throw new IllegalStateException("masked: " + inner + " returned " + transformed.size()
          + " leaves for the " + keptCount + " it was given");
    }
    Object[] merged = new Object[u.size()];
    int k = 0;
    for (int i = 0; i < merged.length; i++) {
      merged[i] = kept[i] ? transformed.get(k++) : u.leaves.get(i);
    }
    return new UpdateResult(u.unflatten(merged), new MaskedState(r.state()));
  }

  @Override
  public String toString() {
    return "masked(" + inner + ", " + mask + ")";
  }
}
