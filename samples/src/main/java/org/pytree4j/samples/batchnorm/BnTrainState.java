package org.pytree4j.samples.batchnorm;

import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;
import org.pytree4j.random.PRNGKey;
import org.pytree4j.samples.batchnorm.BnModel.Params;
import org.pytree4j.samples.batchnorm.BnModel.Stats;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.Variables;

/**
 * Flax's guides' custom train state: the five components plus the batch statistics
 * ({@code batch_stats: Any}) and the dropout key ({@code key: jax.Array}). The applyFn takes the
 * variables, {@code {'params': ..., 'batch_stats': ...}}.
 */
@PyTreeNode
public record BnTrainState(
    long step,
    @Field(pytreeNode = false) ApplyFn<Variables<Params, Stats>> applyFn,
    Params params,
    @Field(pytreeNode = false) GradientTransformation tx,
    OptState optState,
    Stats batchStats,
    PRNGKey key)
    implements BnTrainStatePyTree.With {

  /** {@code {'params': state.params, 'batch_stats': state.batch_stats}}. */
  public Variables<Params, Stats> variables() {
    return new Variables<>(params, batchStats);
  }
}
