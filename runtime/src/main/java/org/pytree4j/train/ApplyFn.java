package org.pytree4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model's forward function, Flax's {@code apply_fn}: it takes the model's variables and an input.
 * For a model with params only the variables are the params,
 * {@code state.applyFn().apply(state.params(), x)}; for a model with batch statistics they are Flax's
 * {@code {'params': ..., 'batch_stats': ...}}, a {@link Variables}:
 * {@code state.applyFn().apply(new Variables<>(state.params(), state.batchStats()), x)}.
 *
 * @param <V> the variables type: the params tree, or a {@link Variables}
 */
@FunctionalInterface
public interface ApplyFn<V> {
  INDArray apply(V variables, INDArray input);
}
