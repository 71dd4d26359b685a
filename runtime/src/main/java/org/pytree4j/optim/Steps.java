package org.pytree4j.optim;

import java.util.Map;
import java.util.Objects;
import org.pytree4j.PyTrees;
import org.pytree4j.optim.engine.Engine;

/** {@link StepEngine#step}: the fused step when it applies, otherwise {@code update} then {@code applyUpdates}. */
final class Steps {
  private Steps() {}

  @SuppressWarnings("unchecked")
  static <P> OptimizerStep<P> step(Engine engine, GradientTransformation tx, P params, OptState state, Object grads,
      boolean donate) {
    Objects.requireNonNull(tx, "tx must not be null");
    if (tx instanceof AbstractTransformation known) {
      FusedPart part = fusedPart(known, state, grads, params);
      if (part != null) {
        // the engine checks everything it relies on; anything else goes the checked way below
        OptimizerStep<Object> fused = part.run(engine, params, state, grads, donate);
        if (fused != null) {
          return new OptimizerStep<>((P) fused.params(), fused.state());
        }
      }
    }
    // the fused step only runs on trees of one structure; here it is checked first, naming where they differ
    PyTrees.requireSameStructure(params, grads, "grads", "params");
    if (tx instanceof AbstractTransformation known) {
      known.check(grads, state, params, Map.of());
    }
    engine.requireNotReleased(grads, "grads");
    engine.requireNotReleased(params, "params");
    engine.requireNotReleased(state, "the optimizer state");
    UpdateResult r = tx instanceof AbstractTransformation known
        ? known.apply(grads, state, params, Map.of())
        : tx.update(grads, state, params);
    P newParams = ApplyUpdates.apply(params, r.updates());
    if (donate) {
      engine.releaseReplaced(params, state, grads, newParams, r.state());
    }
    return new OptimizerStep<>(newParams, r.state());
  }

  /** {@code tx}'s update as elementwise ops, or null when it has none (or its state does not fit: the checks name that). */
  private static FusedPart fusedPart(AbstractTransformation tx, OptState state, Object grads, Object params) {
    try {
      return tx.fuseOnGrads(state, Map.of(), grads, params);
    } catch (RuntimeException notFusable) {
      // a state of the wrong type, a bad hyperparameter ...: the reference's check names it
      return null;
    }
  }
}
