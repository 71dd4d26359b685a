package org.pytree4j.optim;

import java.util.List;
import java.util.Map;

/**
 * An Optax alias ({@code adam}, {@code adamw}, {@code sgd} ...): a named {@link Chain} of
 * transformations whose hyperparameters can be injected. It behaves exactly as its chain, with
 * the chain's state.
 */
abstract class ChainAlias<S extends ChainAlias<S>> extends InjectableTransformation<S> {
  ChainAlias(String optaxName, List<Hyperparam> declared, Map<Hyperparam, ?> values) {
    super(optaxName, declared, values);
  }

  /** The chain Optax builds for this alias. */
  abstract Chain delegate();

  @Override
  public final OptState init(Object params) {
    return delegate().init(params);
  }

  @Override
  final void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    delegate().check(updates, state, params, extraArgs);
  }

  @Override
  final UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    return delegate().apply(updates, state, params, extraArgs);
  }

  @Override
  final FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    return delegate().fuse(state, extraArgs);
  }

  @Override
  final FusedPart fuseOnGrads(OptState state, Map<String, ?> extraArgs, Object grads, Object params) {
    return delegate().fuseOnGrads(state, extraArgs, grads, params);
  }
}
