package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * nobody reads (the gradient of the batch, the second output of a backward op) and reuses the forward
 * pass's tanh; its results are bit-identical to SameDiff's {@code calculateGradients} on the same graph
 * run with the same thread count. A graph a plan cannot hold (control flow, random ops, ops whose
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
  private final SameDiff sd;
  private final GraphInputs params;
  private final GraphInputs batch;
  private final List<SDVariable> paramVariables;
  private final List<String> paramNames;
  private final String lossName;
  private final List<String> outputs;
  private final Map<String, ApplyFn<P>> applyFns = new HashMap<>();
  private final GradPlans plans = new GradPlans();
  private INDArray[] lastGrads;

  ValueAndGradFn(SameDiff sd, GraphInputs params, GraphInputs batch, String lossName, List<String> outputs) {
    this.sd = sd;
    this.params = params;
    this.batch = batch;
    this.lossName = lossName;
    this.outputs = List.copyOf(outputs);
    this.paramVariables = new ArrayList<>();
    this.paramNames = new ArrayList<>();
    for (InputLeaf leaf : params.leaves()) {
      paramVariables.add(sd.getVariable(leaf.name()));
      paramNames.add(leaf.name());
    }
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
    List<Object> donated;
    try {
      donated = this.params.treeDef().flattenUpTo(grads);
    } catch (TreeMismatchException e) {
      throw new TreeMismatchException(e.path(), "donated grads do not match the params: " + e.getMessage());
    }
    return compute(params, batch, donated);
  }

  private LossAndGrads<P> compute(P params, B batch, List<Object> donated) {
    List<INDArray> paramArrays = this.params.check(params);
    List<INDArray> batchArrays = this.batch.check(batch);
    bind(paramArrays);
    GradPlan plan = plans.isEmpty() ? null : plan(paramArrays, batchArrays);
    if (plan == null) {
      return interpret(paramArrays, batchArrays);
    }
    INDArray[] grads = donated != null && isLastGrads(donated) ? plan.reuseGrads(lastGrads) : plan.allocateGrads();
    lastGrads = null;   // while computing: a failure must not leave them donatable
    INDArray loss = plan.run(paramArrays, batchArrays, grads);
    lastGrads = grads;
    return new LossAndGrads<>(loss.getDouble(0), this.params.treeDef().unflatten(Arrays.asList(grads)));
  }

  private boolean isLastGrads(List<Object> donated) {
    if (lastGrads == null || donated.size() != lastGrads.length) {
      return false;
    }
    for (int i = 0; i < lastGrads.length; i++) {
      if (donated.get(i) != lastGrads[i]) {
        return false;
      }
    }
    return true;
  }

  /** The plan for this batch size, traced on first use; null if the graph needs SameDiff's interpreter. */
  private GradPlan plan(List<INDArray> paramArrays, List<INDArray> batchArrays) {
    long batchSize = -1;
    for (int i = 0; i < batchArrays.size(); i++) {
      if (this.batch.leaves().get(i).batched()) {
        batchSize = batchArrays.get(i).size(0);
        break;
      }
    }
    GradPlan plan = plans.get(batchSize);
    if (plan != null) {
      return plan;
    }
    Map<String, INDArray> feed = feed(batchArrays);
    try {
      plan = PlanBuilder.build(sd, this.params, this.batch, lossName, paramArrays, batchArrays, OpThreads.fromProperty());
    } catch (UnsupportedPlanException e) {
      plans.disable();
      return null;
    } catch (RuntimeException e) {
      failedBackward(feed, e);
      throw e;
    }
    checkScalar(plan.loss(), null);
    plans.put(batchSize, plan);
    return plan;
  }

  /** SameDiff's own interpreter: for graphs a plan cannot run, and with {@code -Dpytree4j.grad.plan=false}. */
  private LossAndGrads<P> interpret(List<INDArray> paramArrays, List<INDArray> batchArrays) {
    Map<String, INDArray> feed = feed(batchArrays);
    OutAndGrad result;
    try {
      result = sd.calculateGradientsAndOutputs(feed, List.of(lossName), paramNames);
    } catch (RuntimeException e) {
      failedBackward(feed, e);
      throw e;
    }
    INDArray loss = result.getOutputs().get(lossName);
    checkScalar(loss, null);
    Set<INDArray> bound = boundArrays(paramArrays, batchArrays);
    List<INDArray> grads = new ArrayList<>(paramNames.size());
    for (int i = 0; i < paramNames.size(); i++) {
      INDArray grad = result.getGradients().get(paramNames.get(i));
      InputLeaf leaf = this.params.leaves().get(i);
      if (grad == null) {
        grad = Nd4j.zeros(leaf.dataType(), leaf.shape());   // the loss does not depend on this param
      } else if (!bound.add(grad)) {
        grad = grad.dup();   // SameDiff may hand out one array for two gradients, or an input array
      }
      grads.add(grad);
    }
    return new LossAndGrads<>(loss.getDouble(0), this.params.treeDef().unflatten(grads));
  }

  /** SameDiff's backward pass fails deep inside on a non-scalar loss: say so instead. */
  private void failedBackward(Map<String, INDArray> feed, RuntimeException e) {
    INDArray loss;
    try {
      loss = sd.output(feed, lossName).get(lossName);
    } catch (RuntimeException forward) {
      e.addSuppressed(forward);
      throw e;
    }
    checkScalar(loss, e);
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
    return sd;
  }

  /** The loss variable's name (for tests comparing with SameDiff). */
  String lossName() {
    return lossName;
  }

  /** The plan the last call of this batch size ran, or null if calls run on SameDiff's interpreter. */
  synchronized GradPlan planFor(long batchSize) {
    return plans.isEmpty() ? null : plans.get(batchSize);
  }

  synchronized INDArray forward(P params, InputLeaf input, INDArray x, String output) {
    List<INDArray> paramArrays = this.params.check(params);
    INDArray in = input.check(x);
    bind(paramArrays);
    INDArray out = sd.output(Map.of(input.name(), in), output).get(output);
    return boundArrays(paramArrays, List.of(in)).contains(out) ? out.dup() : out;
  }

  private void checkScalar(INDArray loss, RuntimeException cause) {
    if (loss.length() != 1) {
      throw new IllegalStateException("the loss must be a scalar, but the loss function returned " + lossName
          + " of shape " + Arrays.toString(loss.shape()) + "; reduce it, e.g. with .mean()", cause);
    }
  }

  private InputLeaf inputOf(String output) {
    if (!outputs.contains(output)) {
      throw new IllegalArgumentException("the graph has no output named '" + output + "'; the loss function"
          + " named " + outputs + " with g.output(name, value)");
    }
    Set<String> placeholders = PlaceholderDeps.of(sd, output);
    if (placeholders.size() != 1) {
      throw new IllegalArgumentException("output '" + output + "' depends on the placeholders " + placeholders
          + ", but an ApplyFn feeds its input to exactly one");
    }
    String name = placeholders.iterator().next();
    for (InputLeaf leaf : batch.leaves()) {
      if (leaf.name().equals(name)) {
        return leaf;
      }
    }
    throw new IllegalStateException("placeholder " + name + " is not a leaf of the batch");
  }

  private void bind(List<INDArray> paramArrays) {
    for (int i = 0; i < paramArrays.size(); i++) {
      sd.associateArrayWithVariable(paramArrays.get(i), paramVariables.get(i));
    }
  }

  private Map<String, INDArray> feed(List<INDArray> batchArrays) {
    Map<String, INDArray> feed = new HashMap<>();
    for (int i = 0; i < batchArrays.size(); i++) {
      feed.put(batch.leaves().get(i).name(), batchArrays.get(i));
    }
    return feed;
  }

  private static Set<INDArray> boundArrays(List<INDArray> paramArrays, List<INDArray> batchArrays) {
    Set<INDArray> bound = Collections.newSetFromMap(new IdentityHashMap<>());
    bound.addAll(paramArrays);
    bound.addAll(batchArrays);
    return bound;
  }

  @Override
  public String toString() {
    return "ValueAndGradFn(params=" + params.treeDef() + ", batch=" + batch.treeDef() + ", loss=" + lossName
        + ", outputs=" + outputs + ")";
  }
}
