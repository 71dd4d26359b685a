package org.pytree4j.optim;

import java.util.Map;

/** A transformation bound to a {@link StepEngine} ({@link StepEngine#bind}): the inner one, stepped there. */
final class BoundTransformation extends AbstractTransformation {
  private final GradientTransformation inner;
  private final StepEngine engine;

  BoundTransformation(GradientTransformation inner, StepEngine engine) {
    this.inner = inner instanceof BoundTransformation bound ? bound.inner : inner;
    this.engine = engine;
  }

  GradientTransformation inner() {
    return inner;
  }

  StepEngine engine() {
    return engine;
  }

  @Override
  public OptState init(Object params) {
    return inner.init(params);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    checkPart(inner, updates, state, params, extraArgs);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    return applyPart(inner, inner instanceof AbstractTransformation, updates, state, params, extraArgs);
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    return fusePart(inner, state, extraArgs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BoundTransformation b && b.inner.equals(inner) && b.engine == engine;
  }

  @Override
  public int hashCode() {
    return inner.hashCode() * 31 + System.identityHashCode(engine);
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
