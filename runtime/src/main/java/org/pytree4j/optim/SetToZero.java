package org.pytree4j.optim;

import java.util.Map;

/**
 * Optax's {@code set_to_zero()}: zero updates, so the params do not change; with
 * {@link Optax#partition} it freezes the params of a label. The zeros are {@code -0.0}, so that
 * {@code p + u} keeps every param's bits, a {@code -0.0} included (Optax's {@code +0.0} would turn it
 * into {@code +0.0}). State: {@link EmptyState}.
 */
public final class SetToZero extends AbstractTransformation {
  static final SetToZero INSTANCE = new SetToZero();

  private SetToZero() {}

  @Override
  public OptState init(Object params) {
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    stateAs(state, EmptyState.class, "set_to_zero");
    UpdateTrees.flatten(updates, "updates");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    return new UpdateResult(ZeroUpdates.like(updates), state);
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    return state instanceof EmptyState ? FusedPart.of(new ZeroUpdates.Op(), state) : null;
  }

  @Override
  public String toString() {
    return "set_to_zero()";
  }
}
