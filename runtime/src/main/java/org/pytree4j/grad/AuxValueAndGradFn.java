package org.pytree4j.grad;

import java.util.List;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.TreeDef;
import org.pytree4j.random.PRNGKey;
import org.pytree4j.train.Variables;

/**
 * {@code jax.value_and_grad(loss_fn, has_aux=True)} of a model with Flax's variables: each call takes
 * the variables ({@code {'params': ..., 'batch_stats': ...}}), a batch and a PRNG key, and returns the
 * loss, the aux tree the loss function declared, and the gradient with respect to the params only
 * (JAX's {@code argnums=0}: the batch statistics, the batch and the key pass through). Made by
 * {@link Grad#valueAndGradWithAux}.
 *
 * <pre>{@code
 * // Flax: (loss, (logits, updates)), grads = jax.value_and_grad(loss_fn, has_aux=True)(state.params)
 * LossAuxAndGrads<Params, Aux> out = lossAndGrad.apply(
 *     new Variables<>(state.params(), state.batchStats()), batch, state.key().foldIn(state.step()));
 * state = state.applyGradients(out.grads(), b -> b.batchStats(out.aux().batchStats()));
 * }</pre>
 *
 * <p>It runs like {@link ValueAndGradFn}: one plan per batch size, bit-identical to SameDiff's
 * {@code calculateGradientsAndOutputs} on the same graph (aux outputs included), SameDiff's interpreter
 * for graphs a plan cannot hold. Every call first checks the params, the batch statistics and the batch
 * against the graph; a mismatch names the collection ({@code params}, {@code batch_stats},
 * {@code batch}) and the key path.
 *
 * <p>Random draws ({@link Graph#bernoulli}, e.g. of {@code org.pytree4j.nn.Dropout}) come from the
 * call's key: the graph's {@code n} draws use {@code key.split(n)}, in the order the loss function made
 * them. The same key gives the same masks, so a call can be repeated exactly.
 *
 * <p>Calls are serialized.
 *
 * @param <P> the params tree type
 * @param <S> the batch statistics tree type
 * @param <B> the batch tree type
 * @param <A> the aux tree type
 */
public final class AuxValueAndGradFn<P, S, B, A> {
  private final GradEngine engine;
  private final TreeDef auxDef;

  AuxValueAndGradFn(GradEngine engine, TreeDef auxDef) {
    this.engine = engine;
    this.auxDef = auxDef;
  }

  /**
   * The loss, the aux tree and the gradient with respect to {@code variables.params()}, at
   * {@code variables} on {@code batch}, with the random draws of the key {@code rng}.
   *
   * @param rng the call's PRNG key (Flax's {@code rngs={'dropout': key}}); may be null for a graph that
   *     draws nothing
   * @throws IllegalArgumentException if the variables or the batch do not match the graph (the message
   *     names the collection and the key path), or the graph draws random arrays and {@code rng} is null
   */
  public synchronized LossAuxAndGrads<P, A> apply(Variables<P, S> variables, B batch, PRNGKey rng) {
    return compute(variables, batch, rng, null);
  }

  /** {@link #apply} without a key, for a graph that draws nothing. */
  public LossAuxAndGrads<P, A> apply(Variables<P, S> variables, B batch) {
    return apply(variables, batch, null);
  }

  /**
   * {@link #apply}, donating {@code grads}, the gradients an earlier call of this function returned
   * (see {@link ValueAndGradFn#applyDonating}): a training loop then allocates no gradients per step.
   */
  public synchronized LossAuxAndGrads<P, A> applyDonating(Variables<P, S> variables, B batch, PRNGKey rng, P grads) {
    return compute(variables, batch, rng, Donation.flatten(engine.params(), grads));
  }

  private LossAuxAndGrads<P, A> compute(Variables<P, S> variables, B batch, PRNGKey rng, List<Object> donated) {
    if (variables == null) {
      throw new IllegalArgumentException("variables must not be null: pass new Variables<>(params, batchStats)");
    }
    List<INDArray> paramArrays = engine.params().check(variables.params());
    List<INDArray> statsArrays = engine.stats().check(variables.batchStats());
    List<INDArray> batchArrays = engine.batch().check(batch);
    GradEngine.Result result = engine.compute(paramArrays, batchArrays, statsArrays, rng, donated);
    A aux = auxDef.unflatten(result.aux());
    P grads = engine.params().treeDef().unflatten(result.grads());
    return new LossAuxAndGrads<>(result.loss(), aux, grads);
  }

  /** The SameDiff instance behind this function, built once (for {@code summary()} and debugging). */
  public SameDiff sameDiff() {
    return engine.sameDiff();
  }

  /** The structure of the aux tree the loss function returned. */
  public TreeDef auxStructure() {
    return auxDef;
  }

  String lossName() {
    return engine.lossName();
  }

  GradEngine engine() {
    return engine;
  }

  synchronized GradPlan planFor(long batchSize) {
    return engine.planFor(batchSize);
  }

  @Override
  public String toString() {
    return "AuxValueAndGradFn(params=" + engine.params().treeDef() + ", batch_stats=" + engine.stats().treeDef()
        + ", batch=" + engine.batch().treeDef() + ", loss=" + engine.lossName() + ", aux=" + auxDef + ")";
  }
}
