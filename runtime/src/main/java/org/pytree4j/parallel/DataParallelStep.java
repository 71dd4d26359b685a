package org.pytree4j.parallel;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.pytree4j.PyTrees;
import org.pytree4j.grad.LossAndGrads;
import org.pytree4j.grad.ValueAndGradFn;
import org.pytree4j.train.TrainState;

/**
 * One data-parallel training step, JAX's {@code pmap}ped {@code train_step}:
 *
 * <pre>{@code
 * @partial(jax.pmap, axis_name='batch')
 * def train_step(state, batch):
 *     loss, grads = jax.value_and_grad(loss_fn)(state.params, batch)
 *     grads, loss = jax.lax.pmean((grads, loss), axis_name='batch')
 *     return state.apply_gradients(grads=grads), loss
 * }</pre>
 *
 * <pre>{@code
 * DataParallelStep<TrainState<Mlp>, Mlp, Batch> step = DataParallelStep.forTrainState(collective, lossAndGrad);
 * for (...) {
 *   DataParallelStep.Result<TrainState<Mlp>> r = step.apply(state, myShard);
 *   state = r.state();          // the same on every rank
 * }
 * }</pre>
 *
 * <p>Each call computes the loss and gradients on this rank's shard, averages gradients and loss
 * over the ranks in one all-reduce (in place, into the gradient arrays), and applies the update to
 * the averaged gradients. With equal shard sizes and a mean loss, the averaged gradient is the
 * gradient of the whole batch. Everything the update decides (clipping by the global norm, skipping
 * a non-finite step, Optax's {@code apply_if_finite} inside the optimizer) sees the averaged
 * gradients, which are bit-identical on every rank, so every rank takes the same branch and the
 * replicas stay bit-identical. {@link #checkReplicasEvery} verifies that.
 *
 * <p>A step object counts its calls (for the check interval); use it on one rank's thread.
 *
 * @param <S> the train state type
 * @param <P> the params tree type
 * @param <B> the batch tree type
 */
public final class DataParallelStep<S, P, B> {
  /**
   * What a step produced.
   *
   * @param state the new state (the given one if the step was skipped)
   * @param loss the loss averaged over the ranks
   * @param applied false if {@link #skipNonFinite} skipped the update
   */
  public record Result<S>(S state, double loss, boolean applied) {}

  private final Collective collective;
  private final ValueAndGradFn<P, B> lossAndGrad;
  private final Function<? super S, ? extends P> params;
  private final BiFunction<? super S, ? super P, ? extends S> update;
  private final int checkEvery;
  private final boolean skipNonFinite;
  private long calls;

  private DataParallelStep(Collective collective, ValueAndGradFn<P, B> lossAndGrad, Function<? super S, ? extends P> params,
      BiFunction<? super S, ? super P, ? extends S> update, int checkEvery, boolean skipNonFinite) {
    this.collective = Objects.requireNonNull(collective, "collective");
    this.lossAndGrad = Objects.requireNonNull(lossAndGrad, "lossAndGrad");
    this.params = Objects.requireNonNull(params, "params");
    this.update = Objects.requireNonNull(update, "update");
    if (checkEvery < 0) {
      throw new IllegalArgumentException("checkReplicasEvery must be 0 (never) or positive, got " + checkEvery);
    }
    this.checkEvery = checkEvery;
    this.skipNonFinite = skipNonFinite;
  }

  /**
   * A step that computes gradients with {@code lossAndGrad} at {@code params.apply(state)} and
   * applies the averaged ones with {@code update} ({@code TrainState::applyGradients}, or a lambda
   * that also updates custom fields). Checks the replicas every 100 steps.
   */
  public static <S, P, B> DataParallelStep<S, P, B> of(Collective collective, ValueAndGradFn<P, B> lossAndGrad,
      Function<? super S, ? extends P> params, BiFunction<? super S, ? super P, ? extends S> update) {
    return new DataParallelStep<>(collective, lossAndGrad, params, update, 100, false);
  }

  /** The step for Flax's plain {@link TrainState}: {@code state.params()}, {@code state.applyGradients(grads)}. */
  public static <P, B> DataParallelStep<TrainState<P>, P, B> forTrainState(Collective collective,
      ValueAndGradFn<P, B> lossAndGrad) {
    return of(collective, lossAndGrad, TrainState::params, TrainState::applyGradients);
  }

  /**
   * Checks every {@code steps} steps that the replicas' states are bit-identical
   * ({@link Replicas#checkIdentical}; 0: never). The check gathers one checksum per rank.
   */
  public DataParallelStep<S, P, B> checkReplicasEvery(int steps) {
    return new DataParallelStep<>(collective, lossAndGrad, params, update, steps, skipNonFinite);
  }

  /**
   * Skips the update, keeping the state, when the averaged gradients hold a NaN or an infinity
   * (one rank's overflow makes the average non-finite on every rank, so all skip together).
   */
  public DataParallelStep<S, P, B> skipNonFinite(boolean skip) {
    return new DataParallelStep<>(collective, lossAndGrad, params, update, checkEvery, skip);
  }

  /** One step on this rank's {@code shard}; every rank calls it with its own shard. */
  public Result<S> apply(S state, B shard) {
    LossAndGrads<P> local = lossAndGrad.apply(params.apply(state), shard);
    P grads = local.grads();
    INDArray loss = Nd4j.scalar(lossType(grads), local.loss());
    collective.allReduceMeanInPlace(List.of(grads, loss));   // one buffer: grads and loss together
    boolean apply = !skipNonFinite || allFinite(grads);
    S next = apply ? update.apply(state, grads) : state;
    calls++;
    if (checkEvery > 0 && calls % checkEvery == 0) {
      Replicas.checkIdentical(collective, next);
    }
    return new Result<>(next, loss.getDouble(0), apply);
  }

  /** The loss travels in the gradients' buffer when they have one data type (a float32 loss is exact in it). */
  private static DataType lossType(Object grads) {
    List<Object> leaves = PyTrees.leaves(grads);
    return !leaves.isEmpty() && leaves.get(0) instanceof INDArray a && a.dataType() == DataType.FLOAT
        ? DataType.FLOAT : DataType.DOUBLE;
  }

  private static boolean allFinite(Object grads) {
    return PyTrees.all((INDArray g) -> g.isEmpty() || BooleanIndexing.and(g, Conditions.isFinite()), grads);
  }
}
