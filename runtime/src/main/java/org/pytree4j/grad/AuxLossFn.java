package org.pytree4j.grad;

import org.pytree4j.train.Variables;

/**
 * The {@code loss_fn} of {@code jax.value_and_grad(loss_fn, has_aux=True)}, written as a SameDiff graph
 * builder: it returns the loss and an aux tree (metrics, new batch statistics ...), and it receives the
 * model's variables, Flax's {@code {'params': ..., 'batch_stats': ...}}, of which only the params are
 * differentiated.
 *
 * <pre>{@code
 * AuxLossFn<Params, Stats, Batch, Aux> loss = (g, v, b) -> {
 *   SDVariable logits = Model.apply(g, v, g.var(b.x()), true);        // BatchNorm updates, Dropout draws
 *   SDVariable loss = g.var(b.y()).mul(g.sd().nn.logSoftmax(logits)).sum(1).mean().neg();
 *   return LossWithAux.of(loss, new Aux(g.aux(loss), g.updated(v.batchStats())));
 * };
 * }</pre>
 *
 * <p>It runs once, when {@link Grad#valueAndGradWithAux} builds the graph; see {@link LossFn} for what
 * it may read from its arguments.
 *
 * @param <P> the params tree type
 * @param <S> the batch statistics tree type
 * @param <B> the batch tree type
 * @param <A> the aux tree type
 */
@FunctionalInterface
public interface AuxLossFn<P, S, B, A> {
  /** Builds the loss, a scalar of a floating-point type in {@code g.sd()}, and the aux tree ({@link Graph#aux}). */
  LossWithAux<A> loss(Graph g, Variables<P, S> variables, B batch);
}
