package org.pytree4j.grad;

/**
 * {@code jax.grad(loss_fn)}: the gradient of the loss only. Made by {@link Grad#grad}; it runs the same
 * graph and plan as {@link ValueAndGradFn}, and its gradients are the same arrays that one would return.
 *
 * @param <P> the params tree type
 * @param <B> the batch tree type
 */
public final class GradFn<P, B> {
  private final ValueAndGradFn<P, B> valueAndGrad;

  GradFn(ValueAndGradFn<P, B> valueAndGrad) {
    this.valueAndGrad = valueAndGrad;
  }

  /**
   * The gradient of the loss at {@code params} on {@code batch}, a tree of the params' structure whose
   * leaves are new arrays the caller owns.
   *
   * @throws IllegalArgumentException if the params or the batch do not match the graph
   */
  public P apply(P params, B batch) {
    return valueAndGrad.apply(params, batch).grads();
  }

  /** {@link #apply}, donating {@code grads} of an earlier call (see {@link ValueAndGradFn#applyDonating}). */
  public P applyDonating(P params, B batch, P grads) {
    return valueAndGrad.applyDonating(params, batch, grads).grads();
  }

  /** The value-and-grad function this one runs. */
  public ValueAndGradFn<P, B> valueAndGrad() {
    return valueAndGrad;
  }

  @Override
  public String toString() {
    return "GradFn(" + valueAndGrad + ")";
  }
}
