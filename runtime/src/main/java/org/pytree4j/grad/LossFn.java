package org.pytree4j.grad;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The {@code loss_fn} of {@code jax.value_and_grad(loss_fn)}, written as a SameDiff graph builder.
 *
 * <p>It runs once, when {@link Grad#valueAndGrad} builds the graph. It receives the example params
 * and batch (your records, maps and lists, holding the example's arrays) and a {@link Graph} that
 * turns any of their leaves into the graph variable standing for it:
 *
 * <pre>{@code
 * LossFn<Mlp, Batch> loss = (g, p, b) -> {
 *   SDVariable h = g.sd().nn.relu(g.var(b.x()).mmul(g.var(p.hidden().kernel())).add(g.var(p.hidden().bias())), 0);
 *   SDVariable logits = g.output("logits", h.mmul(g.var(p.out().kernel())).add(g.var(p.out().bias())));
 *   return g.var(b.y()).mul(g.sd().nn.logSoftmax(logits, 1)).sum(1).mean().neg();
 * };
 * }</pre>
 *
 * <p>Read shapes and static fields of the params freely (they are fixed for the graph); never read
 * their values into the graph, since later calls bind new arrays to the same variables.
 *
 * @param <P> the params tree type
 * @param <B> the batch tree type
 */
@FunctionalInterface
public interface LossFn<P, B> {
  /** Builds the loss: a scalar of a floating-point type, in {@code g.sd()}. */
  SDVariable loss(Graph g, P params, B batch);
}
