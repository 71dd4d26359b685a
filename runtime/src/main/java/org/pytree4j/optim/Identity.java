package org.pytree4j.optim;

import java.util.Map;

/**
 * Optax's {@code identity()}: returns the updates unchanged. State: {@link EmptyState}.
 */
public final class Identity extends AbstractTransformation {
  static final Identity INSTANCE = new Identity();

  private Identity() {}

  @Override
  public OptState init(Object params) {
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    stateAs(state, EmptyState.class, "identity");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    return new UpdateResult(updates, state);
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    return state instanceof EmptyState ? FusedPart.unchanged(state) : null;
  }

  @Override
  public String toString() {
    return "identity()";
  }
}
