package org.pytree4j.optim;

import java.util.List;
import java.util.Map;
import org.pytree4j.KeyEntry;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code apply_if_finite(inner, max_consecutive_errors)}: skips an update whose input holds an
 * Inf or a NaN, unless more than {@code max_consecutive_errors} in a row did, then lets it through.
 * A skipped update is zeros and leaves the inner state as it was: {@code p + u} keeps every param's
 * bits (the zeros are {@code -0.0}; Optax's {@code +0.0} would turn a {@code -0.0} param into
 * {@code +0.0}), and the inner state is the very same. State: {@link ApplyIfFiniteState}.
 *
 * <p>{@code max_consecutive_errors} is a hyperparameter, as Optax's {@code inject_hyperparams} makes
 * it: {@code injectHyperparams(applyIfFinite(adam(1e-3), 5))} keeps it in the state.
 *
 * <p>In a fused step ({@link Optax#step}, a train state's {@code applyGradients}) it runs fused when
 * it sees the step's gradients (it is the outermost transformation, or the first of a chain): one
 * read of the gradients decides, then the inner transformation's fused pass runs, or a pass that
 * leaves the params as they are. Elsewhere it runs unfused.
 */
public final class ApplyIfFinite extends InjectableTransformation<ApplyIfFinite> {
  /** {@code max_consecutive_errors}. */
  static final Hyperparam MAX_CONSECUTIVE_ERRORS = Hyperparam.named("max_consecutive_errors");
  private static final KeyEntry INNER = new KeyEntry.GetAttrKey("innerState");

  private final GradientTransformation inner;

  ApplyIfFinite(GradientTransformation inner, Map<Hyperparam, ?> values) {
    super("apply_if_finite", List.of(MAX_CONSECUTIVE_ERRORS), values);
    if (inner == null) {
      throw new IllegalArgumentException("apply_if_finite needs a transformation, not null");
    }
    this.inner = inner;
  }

  /** The wrapped transformation. */
  public GradientTransformation inner() {
    return inner;
  }

  /** Updates with an Inf or a NaN skipped in a row before one is let through. */
  public ApplyIfFinite maxConsecutiveErrors(int maxConsecutiveErrors) {
    return with(MAX_CONSECUTIVE_ERRORS, maxConsecutiveErrors);
  }

  /** {@code max_consecutive_errors} from a schedule (inside {@code injectHyperparams}). */
  public ApplyIfFinite maxConsecutiveErrors(Schedule maxConsecutiveErrors) {
    return with(MAX_CONSECUTIVE_ERRORS, maxConsecutiveErrors);
  }

  @Override
  ApplyIfFinite withHyperparams(Map<Hyperparam, Object> values) {
    return new ApplyIfFinite(inner, values);
  }

  @Override
  public ApplyIfFiniteState init(Object params) {
    requireConstants();
    return new ApplyIfFiniteState(0, true, 0, inner.init(params));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    ApplyIfFiniteState s = stateAs(state, ApplyIfFiniteState.class, "apply_if_finite");
    UpdateTrees.flatten(updates, "updates");
    checkPart(inner, updates, s.innerState(), params, extraArgs, INNER);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    ApplyIfFiniteState s = (ApplyIfFiniteState) state;
    Outcome o = outcome(s, Finiteness.allFinite(updates));
    if (!o.applies) {
      return new UpdateResult(ZeroUpdates.like(updates), o.state(s.innerState()));
    }
    UpdateResult r = applyPart(inner, inner instanceof AbstractTransformation, updates, s.innerState(), params,
        extraArgs, INNER);
    return new UpdateResult(r.updates(), o.state(r.state()));
  }

  /** Optax's {@code cond(isfinite or notfinite_count > max_consecutive_errors, inner.update, zeros)}. */
  private Outcome outcome(ApplyIfFiniteState s, boolean finite) {
    int notfinite = finite ? 0 : Numerics.safeIncrement(s.notfiniteCount());
    int total = finite ? s.totalNotfinite() : Numerics.safeIncrement(s.totalNotfinite());
    return new Outcome(finite || notfinite > constant(MAX_CONSECUTIVE_ERRORS), notfinite, finite, total);
  }

  private record Outcome(boolean applies, int notfinite, boolean finite, int total) {
    ApplyIfFiniteState state(OptState innerState) {
      return new ApplyIfFiniteState(notfinite, finite, total, innerState);
    }
  }

  @Override
  FusedPart fuseOnGrads(OptState state, Map<String, ?> extraArgs, Object grads, Object params) {
    ApplyIfFiniteState s = (ApplyIfFiniteState) state;
    Outcome o = outcome(s, Finiteness.allFinite(grads));
    if (!o.applies) {
      return FusedPart.of(new ZeroUpdates.Op(), o.state(s.innerState()));
    }
    FusedPart part = fusePartOnGrads(inner, s.innerState(), extraArgs, grads, params);
    return part == null ? null : part.wrapped(o::state);
  }

  @Override
  public String toString() {
    return "apply_if_finite(" + inner + ", max_consecutive_errors=" + value(MAX_CONSECUTIVE_ERRORS) + ")";
  }
}
