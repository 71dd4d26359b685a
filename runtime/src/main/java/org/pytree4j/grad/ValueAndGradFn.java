package org.pytree4j.grad;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.train.ApplyFn;

/**
 * {@code jax.value_and_grad(loss_fn)} on a SameDiff graph built once: each call binds the given
 * params and batch to the graph's variables and placeholders (by reference, no copy) and computes the
 * loss and its gradient in one pass. Made by {@link Grad#valueAndGrad}.
 *
 * <pre>{@code
 * LossAndGrads<Mlp> out = lossAndGrad.apply(state.params(), batch);
 * state = state.applyGradients(out.grads());
 * ApplyFn<Mlp> model = lossAndGrad.applyFn("logits");    // the forward pass, for TrainState's applyFn
 * }</pre>
 *
 * <p>The first call with a batch size traces SameDiff's gradient graph into a fixed plan: the ops the
 * loss and the params' gradients need, in the order they run, with their inputs, outputs and arguments
 * preset and every intermediate array allocated once; later calls with that batch size only bind the
 * arrays and run the ops, with none of SameDiff's per-call session work. The plan leaves out work
 * nobody reads (the gradient of the batch, the second output of a backward op), reuses the forward
 * pass's tanh and computes a float32 tanh with libnd4j's bits in a quarter of its time; its results
 * are bit-identical to SameDiff's {@code calculateGradients} on the same graph run with the same
 * thread count. A graph a plan cannot hold (control flow, random ops, ops whose
 * output shape depends on input values) runs on SameDiff's interpreter, as does every graph with
 * {@code -Dpytree4j.grad.plan=false}. Ops below about a million elements (or multiply-adds) run on one
 * thread, larger ones on every core; {@code -Dpytree4j.grad.threads=N} fixes the count (see
 * {@code docs/gradients.md}).
 *
 * <p>Every call first checks its arguments against the graph: the params must have the example
 * params' structure (the same records, keys and static fields) and each leaf its data type and
 * shape; the batch must have the example batch's structure, each leaf its data type and shape except
 * dimension 0, and all leaves the same dimension 0. A mismatch throws an
 * {@link IllegalArgumentException} ({@link TreeMismatchException} or {@link InvalidTreeException})
 * naming the key path and the variable or placeholder, before anything is bound or computed. The
 * structure is checked by the walk that collects the leaves; a leaf that is the same array as in the
 * previous call is not checked again.
 *
 * <p>Calls are serialized: the graph holds one set of bound arrays (and keeps a reference to the
 * last ones bound, and to the last gradients, until the next call).
 *
 * @param <P> the params tree type
 * @param <B> the batch tree type
 */
public final class ValueAndGradFn<P, B> {
  private final GradEngine engine;
  private final List<String> outputs;
  private final Map<String, ApplyFn<P>> applyFns = new HashMap<>();

  ValueAndGradFn(GradEngine engine, List<String> outputs) {
    this.engine = engine;
    this.outputs = List.copyOf(outputs);
  }

  /**
   * The loss at {@code params} on {@code batch}, and its gradient with respect to the params: a tree
   * of the params' structure whose leaves are new arrays the caller owns (on a plan, views into one
   * new buffer per data type, in flatten order).
   *
   * @throws IllegalArgumentException if the params or the batch do not match the graph (see above)
   */
  public synchronized LossAndGrads<P> apply(P params, B batch) {
    return compute(params, batch, null);
  }

  /**
   * {@link #apply}, donating {@code grads}, the gradients an earlier call of this function returned, to
   * the result (JAX's {@code donate_argnums}): the new gradients may be written over their memory, so a
   * training loop allocates no gradients per step. Afterwards the donated arrays must not be used: they
   * may be the very arrays of the new result, holding its values.
   *
   * <pre>{@code
   * LossAndGrads<Mlp> out = lossAndGrad.apply(state.params(), batch);
   * state = state.applyGradients(out.grads());
   * for (Batch next : batches) {
   *   out = lossAndGrad.applyDonating(state.params(), next, out.grads());   // out.grads() of the last step are reused
   *   state = state.applyGradients(out.grads());
   * }
   * }</pre>
   *
   * <p>Donation is used when {@code grads} is exactly the gradient tree of this function's previous
   * call (its arrays, not copies); otherwise, or when the graph runs on SameDiff's interpreter, this is
   * {@link #apply} and {@code grads} is left alone.
   *
   * @throws IllegalArgumentException if the params or the batch do not match the graph, or {@code grads}
   *     does not have the params' structure
   */
  public synchronized LossAndGrads<P> applyDonating(P params, B batch, P grads) {
    return compute(params, batch, Donation.flatten(engine.params(), grads));
  }

  private LossAndGrads<P> compute(P params, B batch, List<Object> donated) {
    List<INDArray> paramArrays = engine.params().check(params);
    List<INDArray> batchArrays = engine.batch().check(batch);
    GradEngine.Result result = engine.compute(paramArrays, batchArrays, List.of(), null, donated);
    return new LossAndGrads<>(result.loss(), engine.params().treeDef().unflatten(result.grads()));
  }

  /**
   * The model's forward pass as Flax's {@code apply_fn}: {@code applyFn.apply(params, x)} computes the
   * output the loss function named {@code output} with {@link Graph#output}, feeding {@code x} to the
   * one batch placeholder it depends on. The same name gives the same instance.
   *
   * @throws IllegalArgumentException if there is no such output, or it depends on no placeholder or on
   *     more than one (e.g. on the labels)
   */
  public synchronized ApplyFn<P> applyFn(String output) {
    ApplyFn<P> fn = applyFns.get(output);
    if (fn == null) {
      fn = new GraphApplyFn<>(this, output, inputOf(output));
      applyFns.put(output, fn);
    }
    return fn;
  }

  /** The outputs the loss function named with {@link Graph#output}, in order. */
  public List<String> outputs() {
    return outputs;
  }

  /** The SameDiff instance behind this function, built once (for {@code summary()} and debugging). */
  public SameDiff sameDiff() {
    return engine.sameDiff();
  }

  /** The loss variable's name (for tests comparing with SameDiff). */
  String lossName() {
    return engine.lossName();
  }

  /** The plan the last call of this batch size ran, or null if calls run on SameDiff's interpreter. */
  synchronized GradPlan planFor(long batchSize) {
    return engine.planFor(batchSize);
  }

  synchronized INDArray forward(P params, InputLeaf input, INDArray x, String output) {
    List<INDArray> paramArrays = engine.params().check(params);
    INDArray in = input.check(x);
    return engine.forward(paramArrays, input, in, output);
  }

  private InputLeaf inputOf(String output) {
    if (!outputs.contains(output)) {
      throw new IllegalArgumentException("the graph has no output named '" + output + "'; the loss function"
          + " named " + outputs + " with g.output(name, value)");
    }
    Set<String> placeholders = PlaceholderDeps.of(engine.sameDiff(), output);
    if (placeholders.size() != 1) {
      throw new IllegalArgumentException("output '" + output + "' depends on the placeholders " + placeholders
          + ", but an ApplyFn feeds its input to exactly one");
    }
    String name = placeholders.iterator().next();
    for (InputLeaf leaf : engine.batch().leaves()) {
      if (leaf.name().equals(name)) {
        return leaf;
      }
    }
    throw new IllegalStateException("placeholder " + name + " is not a leaf of the batch");
  }

  @Override
  public String toString() {
    return "ValueAndGradFn(params=" + engine.params().treeDef() + ", batch=" + engine.batch().treeDef() + ", loss="
        + engine.lossName() + ", outputs=" + outputs + ")";
  }
}
