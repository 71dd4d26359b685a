package org.pytree4j.optim;

import java.util.Map;
import java.util.Objects;
import org.pytree4j.PyTrees;

/** {@link Optax#step}: the fused step when it applies, otherwise {@code update} then {@code applyUpdates}. */
final class Steps {
  private Steps() {}

  static <P> OptimizerStep<P> step(GradientTransformation tx, P params, OptState state, Object grads, boolean donate) {
    Objects.requireNonNull(tx, "tx must not be null");
    if (tx instanceof AbstractTransformation known) {
      // the fused step checks everything it relies on; anything else goes the checked way below
      OptimizerStep<P> fused = FusedStep.tryRun(known, params, state, grads, donate);
      if (fused != null) {
        return fused;
      }
    }
    // the fused step only runs on trees of one structure; here it is checked first, naming where they differ
    PyTrees.requireSameStructure(params, grads, "grads", "params");
    if (tx instanceof AbstractTransformation known) {
      known.check(grads, state, params, Map.of());
    }
    Donation.requireNotReleased(grads, "grads");
    Donation.requireNotReleased(params, "params");
    Donation.requireNotReleased(state, "the optimizer state");
    UpdateResult r = tx instanceof AbstractTransformation known
        ? known.apply(grads, state, params, Map.of())
        : tx.update(grads, state, params);
    P newParams = ApplyUpdates.apply(params, r.updates());
    if (donate) {
      Donation.releaseReplaced(params, state, grads, newParams, r.state());
    }
    return new OptimizerStep<>(newParams, r.state());
  }
}
