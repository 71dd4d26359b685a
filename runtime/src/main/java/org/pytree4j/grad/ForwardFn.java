package org.pytree4j.grad;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A model's forward pass written as a SameDiff graph builder, for {@link Grad#applyFn}: Flax's
 * {@code model.apply(variables, x)} in evaluation mode. It receives the example variables (the params, or
 * a {@link org.pytree4j.train.Variables} of params and batch statistics) and the input's variable.
 *
 * <pre>{@code
 * ApplyFn<Variables<Params, Stats>> eval = Grad.applyFn((g, v, x) -> Model.apply(g, v, x, false), variables, x);
 * }</pre>
 *
 * @param <V> the variables type
 */
@FunctionalInterface
public interface ForwardFn<V> {
  /** Builds the model's output from {@code input}, in {@code g.sd()}. */
  SDVariable apply(Graph g, V variables, SDVariable input);
}
