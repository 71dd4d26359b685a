package org.pytree4j.optim;

/**
 * The state of a {@link GradientTransformation}: an immutable pytree (it flattens, maps and
 * serializes like any other tree).
 *
 * <p>Reading a state as in Flax/Optax:
 * <pre>{@code
 * // opt_state[1].hyperparams['learning_rate']
 * double lr = optState.get(1, InjectHyperparamsState.class).hyperparam(LEARNING_RATE);
 * // optax.tree_utils.tree_get(opt_state, 'learning_rate'), anywhere in the state
 * double lr = optState.findHyperparam(LEARNING_RATE);
 * }</pre>
 */
public interface OptState {

  /**
   * {@code opt_state[index]}: the state of transformation {@code index} of a {@link Optax#chain}.
   * Only {@link ChainState}s are indexed; other states throw.
   */
  default OptState get(int index) {
    throw new IllegalArgumentException("opt_state[" + index + "]: this state is " + article(getClass().getSimpleName())
        + ", not the state of a chain(...) (ChainState); only chain states are indexed by position");
  }

  /**
   * {@code opt_state[index]} as the state type you expect:
   * {@code optState.get(1, InjectHyperparamsState.class)}. Throws naming both types when it is another.
   */
  default <S extends OptState> S get(int index, Class<S> type) {
    OptState state = get(index);
    if (!type.isInstance(state)) {
      throw new IllegalArgumentException("opt_state[" + index + "] is "
          + (state == null ? "None" : article(state.getClass().getSimpleName())) + ", not " + article(type.getSimpleName()));
    }
    return type.cast(state);
  }

  /**
   * The hyperparameter {@code name} of the {@link InjectHyperparams} state found anywhere inside
   * this state (chains, masks and injects nested in any order), as
   * {@code optax.tree_utils.tree_get(opt_state, name)}. Throws when no inject state holds it (naming
   * the hyperparameters there are) or when several do (naming where).
   */
  default double findHyperparam(Hyperparam name) {
    return HyperparamLookup.find(this, name.optaxName());
  }

  /** {@link #findHyperparam(Hyperparam)} by Optax's name, e.g. {@code "learning_rate"}. */
  default double findHyperparam(String name) {
    return HyperparamLookup.find(this, name);
  }

  /** {@code a ChainState}, {@code an InjectHyperparamsState}. */
  private static String article(String name) {
    return ("AEIOU".indexOf(name.isEmpty() ? 'x' : name.charAt(0)) >= 0 ? "an " : "a ") + name;
  }
}
