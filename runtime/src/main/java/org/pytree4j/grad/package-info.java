/**
 * JAX's {@code jax.value_and_grad} for pytree4j, on ND4J's own autodiff (SameDiff).
 *
 * <p>Start at {@link org.pytree4j.grad.Grad#valueAndGrad}. The loss is a {@link
 * org.pytree4j.grad.LossFn} that builds a SameDiff graph once; the {@link
 * org.pytree4j.grad.ValueAndGradFn} it gives computes the loss and a gradient tree shaped exactly
 * like the params for any params and batch of the example's kind, and the model's forward pass as a
 * TrainState {@code applyFn}.
 *
 * <p>Why the loss function gets the real params and a {@link org.pytree4j.grad.Graph}: a record
 * such as {@code Dense(INDArray kernel, INDArray bias)} cannot hold SameDiff variables, and making
 * every model record generic over its leaf type would burden all the code that never builds a graph.
 * Looking variables up by key-path strings would compile with typos; lenses would be verbose. So
 * the loss function walks the params with their own typed accessors and asks
 * {@code g.var(p.hidden().kernel())}; the graph knows each leaf by identity.
 *
 * <p>{@link org.pytree4j.grad.Grad#valueAndGradWithAux} is {@code jax.value_and_grad(loss_fn, has_aux=True)}
 * over Flax's variables ({@code params} and {@code batch_stats}): the loss function returns an aux tree
 * of stand-ins ({@link org.pytree4j.grad.Graph#aux}), the other direction of {@code g.var}; BatchNorm
 * layers record new statistics ({@link org.pytree4j.grad.Graph#update}) and Dropout layers draw masks
 * from the call's PRNG key ({@link org.pytree4j.grad.Graph#bernoulli}). {@link org.pytree4j.grad.Grad#applyFn}
 * builds a model's forward pass in evaluation mode.
 */
package org.pytree4j.grad;
