package org.pytree4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.pytree4j.PyTrees;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.Optax;
import org.pytree4j.optim.OptimizerStep;

/**
 * The runtime half of generated train states: what {@code create} and {@code applyGradients}
 * call. It follows {@code flax.training.train_state.TrainState} line by line, including Flax's
 * overwrite-with-gradient rule: when params is a dict holding {@code params} and
 * {@value #OVERWRITE_WITH_GRADIENT}, only {@code params} is optimized (and only it gets optimizer
 * state), and the other collection is replaced by its gradient.
 */
public final class TrainStates {
  /** Flax's {@code OVERWRITE_WITH_GRADIENT} collection name. */
  public static final String OVERWRITE_WITH_GRADIENT = "_overwrite_with_gradient";

  /** The collection that is optimized when {@value #OVERWRITE_WITH_GRADIENT} is present. */
  public static final String PARAMS = "params";

  private TrainStates() {}

  /**
   * New params and optimizer state after one step.
   *
   * @param <P> the params tree type
   */
  public record Applied<P>(P params, OptState optState) {}

  /**
   * {@code tx.init(params)}, excluding the {@value #OVERWRITE_WITH_GRADIENT} collection when
   * present (Flax's {@code TrainState.create}).
   */
  public static OptState init(GradientTransformation tx, Object params) {
    Objects.requireNonNull(tx, "tx must not be null");
    return tx.init(paramsWithOptimizer(params, "params"));
  }

  /**
   * Flax's {@code apply_gradients}: {@code tx.update(grads, optState, params)}, then
   * {@code applyUpdates} ({@link Optax#step}: one fused pass where the optimizer allows). {@code grads}
   * must have exactly the structure of {@code params}; anything wrong is reported before any
   * computation, and nothing given is modified.
   */
  public static <P> Applied<P> applyGradients(GradientTransformation tx, P params, OptState optState, P grads) {
    return apply(tx, params, optState, grads, false);
  }

  /**
   * {@link #applyGradients}, donating {@code params} and {@code optState} to the result (JAX's
   * {@code donate_argnums}): the new values may be written over their memory, so a training loop
   * allocates nothing per step. Afterwards the donated arrays must not be used; reading one throws.
   * See {@link Optax#stepDonating}.
   */
  public static <P> Applied<P> applyGradientsDonating(GradientTransformation tx, P params, OptState optState, P grads) {
    return apply(tx, params, optState, grads, true);
  }

  @SuppressWarnings("unchecked")
  private static <P> Applied<P> apply(GradientTransformation tx, P params, OptState optState, P grads, boolean donate) {
    Objects.requireNonNull(tx, "tx must not be null");
    if (hasOverwriteWithGradient(params) || hasOverwriteWithGradient(grads)) {
      PyTrees.requireSameStructure(params, grads, "grads", "params");
    }
    // otherwise the step checks the structure (Optax.step), once and only when it cannot fuse
    Object gradsWithOpt = paramsWithOptimizer(grads, "grads");
    Object paramsWithOpt = paramsWithOptimizer(params, "params");
    OptimizerStep<Object> result = donate
        ? Optax.stepDonating(tx, paramsWithOpt, optState, gradsWithOpt)
        : Optax.step(tx, paramsWithOpt, optState, gradsWithOpt);
    if (!hasOverwriteWithGradient(grads)) {
      return new Applied<>((P) result.params(), result.state());
    }
    TreeMap<String, Object> newParams = new TreeMap<>();
    newParams.put(PARAMS, result.params());
    newParams.put(OVERWRITE_WITH_GRADIENT, ((Map<?, ?>) grads).get(OVERWRITE_WITH_GRADIENT));
    return new Applied<>((P) Collections.unmodifiableSortedMap(newParams), result.state());
  }

  /** {@code step + 1}, staying at the maximum instead of overflowing (as Optax's counters do). */
  public static long nextStep(long step) {
    return step == Long.MAX_VALUE ? step : step + 1;
  }

  /** {@code step + 1}, staying at the maximum instead of overflowing. */
  public static int nextStep(int step) {
    return step == Integer.MAX_VALUE ? step : step + 1;
  }

  /** {@code step + 1} for a boxed step; a null step is an error naming it. */
  public static Long nextStep(Long step) {
    return nextStep(requireStep(step).longValue());
  }

  /** {@code step + 1} for a boxed step; a null step is an error naming it. */
  public static Integer nextStep(Integer step) {
    return nextStep(requireStep(step).intValue());
  }

  private static <N extends Number> N requireStep(N step) {
    if (step == null) {
      throw new IllegalArgumentException("the train state's step is null; create states with create(...)");
    }
    return step;
  }

  private static boolean hasOverwriteWithGradient(Object tree) {
    return tree instanceof Map<?, ?> map && map.containsKey(OVERWRITE_WITH_GRADIENT);
  }

  /** The part of {@code tree} the optimizer sees: {@code tree['params']} under the OWG rule, else all of it. */
  private static Object paramsWithOptimizer(Object tree, String what) {
    if (!hasOverwriteWithGradient(tree)) {
      return tree;
    }
    Map<?, ?> map = (Map<?, ?>) tree;
    List<Object> extra = new ArrayList<>(map.keySet());
    extra.remove(PARAMS);
    extra.remove(OVERWRITE_WITH_GRADIENT);
    if (!map.containsKey(PARAMS) || !extra.isEmpty()) {
      throw new IllegalArgumentException(what + " holding '" + OVERWRITE_WITH_GRADIENT + "' must be a dict of"
          + " exactly '" + PARAMS + "' and '" + OVERWRITE_WITH_GRADIENT + "' (Flax's rule), but its keys are "
          + new TreeMap<>(map).keySet());
    }
    return map.get(PARAMS);
  }
}
