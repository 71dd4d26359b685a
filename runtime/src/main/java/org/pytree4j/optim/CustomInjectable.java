package org.pytree4j.optim;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@link Injectable#of}: a user's factory with named numeric hyperparameters. */
final class CustomInjectable extends InjectableTransformation<CustomInjectable> {
  private final Function<HyperparamValues, ? extends GradientTransformation> factory;

  private CustomInjectable(String optaxName, List<Hyperparam> declared, Map<Hyperparam, ?> values,
      Function<HyperparamValues, ? extends GradientTransformation> factory) {
    super(optaxName, declared, values);
    this.factory = factory;
  }

  static CustomInjectable create(String optaxName, Map<Hyperparam, ?> hyperparams,
      Function<HyperparamValues, ? extends GradientTransformation> factory) {
    if (optaxName == null || hyperparams == null || factory == null) {
      throw new IllegalArgumentException("name, hyperparams and factory must not be null");
    }
    return new CustomInjectable(optaxName, List.copyOf(hyperparams.keySet()), hyperparams, factory);
  }

  @Override
  CustomInjectable withHyperparams(Map<Hyperparam, Object> values) {
    return new CustomInjectable(optaxName(), List.copyOf(values.keySet()), values, factory);
  }

  /** The transformation the factory builds from the constants (all hyperparameters must be constants). */
  private GradientTransformation built() {
    java.util.Map<Hyperparam, Double> constants = new java.util.LinkedHashMap<>();
    for (Hyperparam name : hyperparams().keySet()) {
      constants.put(name, constant(name));
    }
    GradientTransformation tx = factory.apply(HyperparamValues.of(constants));
    if (tx == null) {
      throw new IllegalStateException("the factory of " + optaxName() + " returned null");
    }
    return tx;
  }

  @Override
  public OptState init(Object params) {
    return built().init(params);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    checkPart(built(), updates, state, params, extraArgs);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    GradientTransformation tx = built();
    return applyPart(tx, tx instanceof AbstractTransformation, updates, state, params, extraArgs);
  }
}
