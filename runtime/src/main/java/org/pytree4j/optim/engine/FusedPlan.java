package org.pytree4j.optim.engine;

import java.util.List;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.kernels.GlobalNormClip;

/**
 * An optimizer update as the engine runs it: its ops in order, and the state trees they read, each
 * shaped like the updates (or, where {@code raveled}, one vector of every element, under Optax's
 * {@code flatten}), in the order of the ops' {@link ElementwiseOp#stateTrees()}. A
 * {@link GlobalNormClip} runs fused only as the first op, where the norm is that of the gradients.
 */
public record FusedPlan(List<ElementwiseOp> ops, List<Object> stateTrees, List<Boolean> raveled) {
  public FusedPlan {
    ops = List.copyOf(ops);
    // a state tree may be null in a plan the engine declines (the caller's checks name it)
    stateTrees = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(stateTrees));
    raveled = List.copyOf(raveled);
    int wanted = 0;
    for (ElementwiseOp op : ops) {
      wanted += op.stateTrees();
    }
    if (wanted != stateTrees.size() || raveled.size() != stateTrees.size()) {
      throw new IllegalArgumentException("the ops read " + wanted + " state trees, but " + stateTrees.size()
          + " are given (" + raveled.size() + " raveled flags)");
    }
  }

  /** True when no op but the first needs the global norm. */
  boolean normOnlyFirst() {
    for (int i = 1; i < ops.size(); i++) {
      if (ops.get(i) instanceof GlobalNormClip) {
        return false;
      }
    }
    return true;
  }
}
