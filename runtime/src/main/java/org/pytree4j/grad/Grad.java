package org.pytree4j.grad;

/**
 * JAX's {@code jax.value_and_grad}, on ND4J's autodiff (SameDiff).
 *
 * <p>The loss is written once as a SameDiff graph over the params and a batch; pytree4j builds the
 * graph once, from example params and an example batch, and every later call binds new arrays to it.
 * Params and batch are pytrees: {@link org.pytree4j.PyTreeNode} records, maps and lists of INDArrays.
 *
 * <pre>{@code
 * // three @PyTreeNode records:
 * record Dense(INDArray kernel, INDArray bias) implements DensePyTree.With {}
 * record Mlp(Dense hidden, Dense out) implements MlpPyTree.With {}
 * record Batch(INDArray x, INDArray y) implements BatchPyTree.With {}   // y one-hot
 *
 * static SDVariable dense(Graph g, Dense d, SDVariable x) {
 *   return x.mmul(g.var(d.kernel())).add(g.var(d.bias()));
 * }
 *
 * ValueAndGradFn<Mlp, Batch> lossAndGrad = Grad.valueAndGrad((g, p, b) -> {
 *   SDVariable h = g.sd().nn.relu(dense(g, p.hidden(), g.var(b.x())), 0);
 *   SDVariable logits = g.output("logits", dense(g, p.out(), h));
 *   return g.var(b.y()).mul(g.sd().nn.logSoftmax(logits, 1)).sum(1).mean().neg();
 * }, params, firstBatch);
 *
 * TrainState<Mlp> state = TrainStatePyTree.create(lossAndGrad.applyFn("logits"), params, tx);
 * for (Batch batch : batches) {
 *   LossAndGrads<Mlp> out = lossAndGrad.apply(state.params(), batch);   // loss, grads shaped like Mlp
 *   state = state.applyGradients(out.grads());
 * }
 * INDArray logits = state.applyFn().apply(state.params(), testX);      // the forward pass, same graph
 * }</pre>
 *
 * <p>Inside the loss function, {@link Graph#var} gives the graph variable of a leaf: a trainable
 * variable for a params leaf, named {@code params} + its key path ({@code params.hidden.kernel},
 * {@code params['hidden']['kernel']}), or a placeholder for a batch leaf ({@code batch.x},
 * {@code batch['x']}); {@code g.sd().summary()} and every error show these names. The batch is
 * batched along dimension 0: each call may use another batch size, the same for every batch leaf.
 */
public final class Grad {
  private Grad() {}

  /**
   * {@code jax.value_and_grad(loss_fn)}: builds {@code lossFn}'s graph once, from the example params
   * and batch (their structures, data types and shapes; the batch size is free), ready to compute
   * the loss and its gradient for any params and batch of that kind.
   *
   * @param lossFn builds the scalar loss; it runs once, now
   * @param exampleParams params with floating-point INDArray leaves (float32 or float64)
   * @param exampleBatch a batch with INDArray leaves, or {@code null} for a loss of the params only
   * @throws IllegalArgumentException if a params leaf is not a floating-point INDArray or a batch leaf
   *     not an INDArray (naming its key path), or if the loss function misuses its {@link Graph}
   */
  public static <P, B> ValueAndGradFn<P, B> valueAndGrad(LossFn<P, B> lossFn, P exampleParams, B exampleBatch) {
    return GraphBuild.build(lossFn, exampleParams, exampleBatch);
  }
}
