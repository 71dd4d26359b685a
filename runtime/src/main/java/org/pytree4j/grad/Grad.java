package org.pytree4j.grad;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.Variables;

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

  /**
   * {@code jax.grad(loss_fn)}: {@link #valueAndGrad}, returning the gradient only.
   */
  public static <P, B> GradFn<P, B> grad(LossFn<P, B> lossFn, P exampleParams, B exampleBatch) {
    return new GradFn<>(GraphBuild.build(lossFn, exampleParams, exampleBatch));
  }

  /**
   * {@code jax.value_and_grad(loss_fn, has_aux=True)} over Flax's variables: the loss function gets the
   * variables ({@code {'params': ..., 'batch_stats': ...}}) and the batch, and returns the loss and an
   * aux tree ({@link LossWithAux}); each call returns the loss, that tree and the gradient with respect to
   * the params only, the batch statistics, the batch and the call's PRNG key passing through (JAX's
   * {@code argnums=0}). See {@link AuxValueAndGradFn}.
   *
   * @param lossFn builds the scalar loss and the aux tree; it runs once, now
   * @param exampleVariables params with floating-point INDArray leaves, and batch statistics with INDArray
   *     leaves (or none: {@link Variables#of})
   * @param exampleBatch a batch with INDArray leaves, batched along dimension 0
   * @throws IllegalArgumentException if a leaf is of the wrong kind (naming its collection and key path),
   *     an aux leaf is not a stand-in of {@link Graph#aux}, or the loss function misuses its {@link Graph}
   */
  public static <P, S, B, A> AuxValueAndGradFn<P, S, B, A> valueAndGradWithAux(AuxLossFn<P, S, B, A> lossFn,
      Variables<P, S> exampleVariables, B exampleBatch) {
    return GraphBuild.buildWithAux(lossFn, exampleVariables, exampleBatch);
  }

  /**
   * A model's forward pass as Flax's {@code apply_fn}, built once from example variables (the params, or a
   * {@link Variables} of params and batch statistics) and an example input (batched along dimension 0):
   * {@code applyFn.apply(variables, x)}. Build the model in evaluation mode: BatchNorm reads the stored
   * statistics and Dropout passes its input through, since a forward graph has no PRNG key and its
   * variables are read-only ({@link Graph#update} and {@link Graph#bernoulli} throw).
   *
   * @throws IllegalArgumentException if a leaf of the variables is not an INDArray (naming its collection
   *     and key path)
   */
  public static <V> ApplyFn<V> applyFn(ForwardFn<V> forward, V exampleVariables, INDArray exampleInput) {
    return GraphBuild.buildForward(forward, exampleVariables, exampleInput);
  }
}
