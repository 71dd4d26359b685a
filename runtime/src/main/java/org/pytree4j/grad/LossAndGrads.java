package org.pytree4j.grad;

/**
 * What {@code jax.value_and_grad(loss_fn)(params, batch)} returns: the loss and its gradient with
 * respect to every leaf of the params.
 *
 * @param loss the loss value
 * @param grads the gradient, a tree with exactly the params' structure (same records, same keys,
 *     same static fields), each leaf a new array of the param's shape and data type that the
 *     caller owns (the leaves of one data type may be views into one new buffer); a param the loss
 *     does not depend on gets zeros
 * @param <P> the params tree type
 */
public record LossAndGrads<P>(double loss, P grads) {}
