package org.pytree4j.grad;

/**
 * What {@code jax.value_and_grad(loss_fn, has_aux=True)(params, ...)} returns, {@code ((loss, aux), grads)}:
 * the loss, the aux tree and the gradient with respect to every leaf of the params.
 *
 * @param loss the loss value
 * @param aux the aux tree in the structure the loss function returned, each stand-in replaced by its
 *     value in this call: a new array the caller owns
 * @param grads the gradient, shaped exactly like the params (see {@link LossAndGrads#grads})
 * @param <P> the params tree type
 * @param <A> the aux tree type
 */
public record LossAuxAndGrads<P, A>(double loss, A aux, P grads) {}
