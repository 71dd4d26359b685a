package org.pytree4j.train;

import org.pytree4j.PyTreeNode;

/**
 * Flax's variables, {@code {'params': params, 'batch_stats': batch_stats}}: what a model's
 * {@link ApplyFn} takes, and what {@code Grad.valueAndGradWithAux} differentiates (with respect to
 * {@code params} only; the batch statistics pass through). As a pytree and in checkpoints its keys are
 * Flax's, {@code params} and {@code batch_stats}.
 *
 * <pre>{@code
 * Variables<Params, Stats> variables = new Variables<>(state.params(), state.batchStats());
 * INDArray logits = state.applyFn().apply(variables, x);     // state.apply_fn({'params': ..., 'batch_stats': ...}, x)
 * }</pre>
 *
 * @param params the trainable parameters (Flax's {@code params} collection)
 * @param batchStats the running statistics of BatchNorm layers (Flax's {@code batch_stats} collection),
 *     or null for a model without them
 * @param <P> the params tree type
 * @param <S> the batch statistics tree type ({@link Void} when there are none)
 */
@PyTreeNode
public record Variables<P, S>(P params, S batchStats) implements VariablesPyTree.With<P, S> {

  /** {@code {'params': params}}: the variables of a model without batch statistics. */
  public static <P> Variables<P, Void> of(P params) {
    return new Variables<>(params, null);
  }
}
