package org.pytree4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model's forward function, Flax's {@code apply_fn}: {@code state.applyFn().apply(state.params(), x)}.
 *
 * @param <P> the params tree type
 */
@FunctionalInterface
public interface ApplyFn<P> {
  INDArray apply(P params, INDArray input);
}
