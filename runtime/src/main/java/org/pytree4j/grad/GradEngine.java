package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.random.PRNGKey;

/**
 * The computation behind {@link ValueAndGradFn} and {@link AuxValueAndGradFn}: a SameDiff graph built
 * once, its params bound by reference on every call, its placeholders (the batch, the batch statistics,
 * the call's random draws) fed, and the loss, the aux outputs and the params' gradients computed by a
 * traced {@link GradPlan} per batch size, or by SameDiff's interpreter for graphs a plan cannot hold.
 * Not thread-safe: its owners serialize calls.
 */
final class GradEngine {
  private final SameDiff sd;
  private final GraphInputs params;
  private final GraphInputs batch;
  private final GraphInputs stats;
  private final List<RandomDraw> draws;
  private final String lossName;
  private final List<String> auxNames;
  private final List<SDVariable> paramVariables = new ArrayList<>();
  private final List<String> paramNames = new ArrayList<>();
  private final List<String> placeholderNames = new ArrayList<>();
  private final GradPlans plans = new GradPlans();
  private final Map<Long, long[][]> drawShapes = new LinkedHashMap<>(8, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, long[][]> eldest) {
      return size() > GradPlans.KEEP;
    }
  };
  private INDArray[] lastGrads;

  /** What one call computed: the loss, the aux outputs (new arrays) and the gradients (new arrays). */
  record Result(double loss, List<INDArray> aux, List<INDArray> grads) {}

  /**
   * @param stats the batch statistics' placeholders, or null for a graph without them
   * @param auxNames the variables of the aux outputs, in the aux tree's flatten order
   */
  GradEngine(SameDiff sd, GraphInputs params, GraphInputs batch, GraphInputs stats, List<RandomDraw> draws,
      String lossName, List<String> auxNames) {
    this.sd = sd;
    this.params = params;
    this.batch = batch;
    this.stats = stats;
    this.draws = List.copyOf(draws);
    this.lossName = lossName;
    this.auxNames = List.copyOf(auxNames);
    for (InputLeaf leaf : params.leaves()) {
      paramVariables.add(sd.getVariable(leaf.name()));
      paramNames.add(leaf.name());
    }
    for (InputLeaf leaf : batch.leaves()) {
      placeholderNames.add(leaf.name());
    }
    if (stats != null) {
      for (InputLeaf leaf : stats.leaves()) {
        placeholderNames.add(leaf.name());
      }
    }
    for (RandomDraw draw : draws) {
      placeholderNames.add(draw.placeholder());
    }
  }

  SameDiff sameDiff() {
    return sd;
  }

  GraphInputs params() {
    return params;
  }

  GraphInputs batch() {
    return batch;
  }

  GraphInputs stats() {
    return stats;
  }

  String lossName() {
    return lossName;
  }

  List<RandomDraw> draws() {
    return draws;
  }

  /** The variables of the aux outputs, in the aux tree's flatten order. */
  List<String> auxNames() {
    return auxNames;
  }

  /**
   * One call: checks nothing (the caller checked the trees), binds the params, draws the random arrays,
   * and computes the loss, the aux outputs and the gradients.
   *
   * @param statsArrays the batch statistics' arrays (empty for a graph without them)
   * @param rng the call's PRNG key, or null; required when the graph draws random arrays
   * @param donated the gradient arrays donated to this call, or null
   */
  Result compute(List<INDArray> paramArrays, List<INDArray> batchArrays, List<INDArray> statsArrays, PRNGKey rng,
      List<Object> donated) {
    if (!draws.isEmpty() && rng == null) {
      throw new IllegalArgumentException("the graph draws random arrays (" + draws.size() + " bernoulli draws, the"
          + " first shaped like " + draws.get(0).like() + "): pass a PRNGKey to apply, e.g. the step's"
          + " key.foldIn(step), as Flax's rngs={'dropout': key}");
    }
    bind(paramArrays);
    long batchSize = batchSize(batchArrays);
    List<INDArray> placeholders = new ArrayList<>(placeholderNames.size());
    placeholders.addAll(batchArrays);
    placeholders.addAll(statsArrays);
    if (!draws.isEmpty()) {
      placeholders.addAll(drawMasks(rng, batchSize, placeholders));
    }
    GradPlan plan = plans.isEmpty() ? null : plan(batchSize, paramArrays, placeholders);
    if (plan == null) {
      return interpret(paramArrays, placeholders);
    }
    INDArray[] grads = donated != null && isLastGrads(donated) ? plan.reuseGrads(lastGrads) : plan.allocateGrads();
    lastGrads = null;   // while computing: a failure must not leave them donatable
    INDArray loss = plan.run(paramArrays, placeholders, grads);
    lastGrads = grads;
    List<INDArray> aux = new ArrayList<>(auxNames.size());
    for (INDArray value : plan.auxArrays()) {
      aux.add(value.dup());   // the plan's own arrays are written again by the next call
    }
    return new Result(loss.getDouble(0), aux, Arrays.asList(grads));
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

  private long batchSize(List<INDArray> batchArrays) {
    for (int i = 0; i < batchArrays.size(); i++) {
      if (batch.leaves().get(i).batched()) {
        return batchArrays.get(i).size(0);
      }
    }
    return -1;
  }

  /** The plan for this batch size, traced on first use; null if the graph needs SameDiff's interpreter. */
  private GradPlan plan(long batchSize, List<INDArray> paramArrays, List<INDArray> placeholders) {
    GradPlan plan = plans.get(batchSize);
    if (plan != null) {
      return plan;
    }
    try {
      plan = PlanBuilder.build(sd, params, placeholderNames, lossName, auxNames, paramArrays, placeholders,
          OpThreads.fromProperty());
    } catch (UnsupportedPlanException e) {
      plans.disable();
      return null;
    } catch (RuntimeException e) {
      failedBackward(feed(placeholders), e);
      throw e;
    }
    checkScalar(plan.loss(), null);
    plans.put(batchSize, plan);
    return plan;
  }

  /** SameDiff's own interpreter: for graphs a plan cannot run, and with {@code -Dpytree4j.grad.plan=false}. */
  private Result interpret(List<INDArray> paramArrays, List<INDArray> placeholders) {
    Map<String, INDArray> feed = feed(placeholders);
    List<String> outputs = new ArrayList<>();
    outputs.add(lossName);
    for (String name : auxNames) {
      if (!outputs.contains(name) && inputArray(name, paramArrays, feed) == null) {
        outputs.add(name);
      }
    }
    OutAndGrad result;
    try {
      result = sd.calculateGradientsAndOutputs(feed, outputs, paramNames);
    } catch (RuntimeException e) {
      failedBackward(feed, e);
      throw e;
    }
    INDArray loss = result.getOutputs().get(lossName);
    checkScalar(loss, null);
    Set<INDArray> bound = boundArrays(paramArrays, placeholders);
    List<INDArray> grads = new ArrayList<>(paramNames.size());
    for (int i = 0; i < paramNames.size(); i++) {
      INDArray grad = result.getGradients().get(paramNames.get(i));
      InputLeaf leaf = params.leaves().get(i);
      if (grad == null) {
        grad = Nd4j.zeros(leaf.dataType(), leaf.shape());   // the loss does not depend on this param
      } else if (!bound.add(grad)) {
        grad = grad.dup();   // SameDiff may hand out one array for two gradients, or an input array
      }
      grads.add(grad);
    }
    List<INDArray> aux = new ArrayList<>(auxNames.size());
    for (String name : auxNames) {
      INDArray input = inputArray(name, paramArrays, feed);
      aux.add((input != null ? input : result.getOutputs().get(name)).dup());
    }
    return new Result(loss.getDouble(0), aux, grads);
  }

  /** The array bound to {@code name} if it is a params leaf or a placeholder, else null. */
  private INDArray inputArray(String name, List<INDArray> paramArrays, Map<String, INDArray> feed) {
    int param = paramNames.indexOf(name);
    return param >= 0 ? paramArrays.get(param) : feed.get(name);
  }

  /**
   * The random arrays of this call: draw {@code i} is {@code bernoulli(split(rng, n)[i], p, shape)}, its
   * shape that of the variable it is drawn like, at this batch size.
   */
  private List<INDArray> drawMasks(PRNGKey rng, long batchSize, List<INDArray> placeholders) {
    long[][] shapes = drawShapes.get(batchSize);
    if (shapes == null) {
      shapes = traceDrawShapes(placeholders);
      drawShapes.put(batchSize, shapes);
    }
    PRNGKey[] keys = rng.split(draws.size());
    List<INDArray> masks = new ArrayList<>(draws.size());
    for (int i = 0; i < draws.size(); i++) {
      RandomDraw draw = draws.get(i);
      masks.add(keys[i].bernoulli(draw.p(), draw.dataType(), shapes[i]));
    }
    return masks;
  }

  /** The shapes of the draws at this batch size: a forward pass up to each variable they are drawn like. */
  private long[][] traceDrawShapes(List<INDArray> placeholders) {
    Map<String, INDArray> feed = feed(placeholders);
    long[][] shapes = new long[draws.size()][];
    for (int i = 0; i < draws.size(); i++) {
      RandomDraw draw = draws.get(i);
      INDArray like = feed.get(draw.like());
      if (like == null) {
        SDVariable variable = sd.getVariable(draw.like());
        like = variable.getVariableType() == VariableType.ARRAY
            ? sd.output(feed, draw.like()).get(draw.like())
            : variable.getArr();
      }
      shapes[i] = like.shape();
      feed.put(draw.placeholder(), Nd4j.ones(draw.dataType(), shapes[i]));
    }
    return shapes;
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

  /** The plan the last call of this batch size ran, or null if calls run on SameDiff's interpreter. */
  GradPlan planFor(long batchSize) {
    return plans.isEmpty() ? null : plans.get(batchSize);
  }

  /** The forward pass of a named output, feeding {@code x} to {@code input}. */
  INDArray forward(List<INDArray> paramArrays, InputLeaf input, INDArray x, String output) {
    bind(paramArrays);
    INDArray out = sd.output(Map.of(input.name(), x), output).get(output);
    return boundArrays(paramArrays, List.of(x)).contains(out) ? out.dup() : out;
  }

  private void checkScalar(INDArray loss, RuntimeException cause) {
    if (loss.length() != 1) {
      throw new IllegalStateException("the loss must be a scalar, but the loss function returned " + lossName
          + " of shape " + Arrays.toString(loss.shape()) + "; reduce it, e.g. with .mean()", cause);
    }
  }

  private void bind(List<INDArray> paramArrays) {
    for (int i = 0; i < paramArrays.size(); i++) {
      sd.associateArrayWithVariable(paramArrays.get(i), paramVariables.get(i));
    }
  }

  private Map<String, INDArray> feed(List<INDArray> placeholders) {
    Map<String, INDArray> feed = new HashMap<>();
    for (int i = 0; i < placeholders.size(); i++) {
      feed.put(placeholderNames.get(i), placeholders.get(i));
    }
    return feed;
  }

  private static Set<INDArray> boundArrays(List<INDArray> paramArrays, List<INDArray> placeholders) {
    Set<INDArray> bound = Collections.newSetFromMap(new IdentityHashMap<>());
    bound.addAll(paramArrays);
    bound.addAll(placeholders);
    return bound;
  }
}
