package org.pytree4j.optim;

import java.util.List;
import java.util.Map;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeMismatchException;

/**
 * Optax's {@code masked(inner, mask)}: {@code inner} sees only the parts of the updates (and params)
 * where the mask is true, the others replaced by {@link MaskedNode}; those parts come out of
 * {@code inner} transformed and the rest pass through unchanged. State: {@link MaskedState}, whose
 * inner state holds {@link MaskedNode}s where the mask is false.
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
    return new MaskedState(inner.init(maskTree(params, mask.treeFor(params), "params")));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    MaskedState s = stateAs(state, MaskedState.class, "masked");
    Object maskTree = mask.treeFor(updates);
    Object maskedUpdates = maskTree(updates, maskTree, "updates");
    Object maskedParams = params == null ? null : maskTree(params, maskTree, "params");
    checkPart(inner, maskedUpdates, s.innerState(), maskedParams, extraArgs, INNER);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    MaskedState s = (MaskedState) state;
    Object maskTree = mask.treeFor(updates);
    Object maskedUpdates = maskTree(updates, maskTree, "updates");
    Object maskedParams = params == null ? null : maskTree(params, maskTree, "params");
    UpdateResult r = applyPart(inner, inner instanceof AbstractTransformation, maskedUpdates, s.innerState(),
        maskedParams, extraArgs, INNER);
    Object merged = PyTrees.mapN((List<Object> a) -> Boolean.TRUE.equals(a.get(0)) ? a.get(1) : a.get(2),
        maskTree, r.updates(), updates);
    return new UpdateResult(merged, new MaskedState(r.state()));
  }

  /** {@code tree} with every part where {@code maskTree} is false replaced by a {@link MaskedNode}. */
  private static Object maskTree(Object tree, Object maskTree, String what) {
    try {
      return PyTrees.mapWithPathN((KeyPath path, List<Object> a) -> {
        if (!(a.get(0) instanceof Boolean keep)) {
          throw OptimizerInputException.atPath("mask leaves must be Booleans", path,
              "found " + FloatTypes.describeValue(a.get(0)));
        }
        return keep ? a.get(1) : new MaskedNode();
      }, maskTree, tree);
    } catch (TreeMismatchException e) {
      throw OptimizerInputException.atPath("the mask does not fit the " + what, e.path(), e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "masked(" + inner + ", " + mask + ")";
  }
}
