package org.pytree4j.samples.docs;

import static org.pytree4j.optim.Optax.LEARNING_RATE;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.schedule.Schedules.warmupCosineDecay;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Field;
import org.pytree4j.KeyPath;
import org.pytree4j.PyTreeNode;
import org.pytree4j.PyTrees;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.InjectHyperparamsState;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.UpdateResult;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/**
 * The Java side of docs/train-state.md, compiled with the samples so the documented code cannot rot.
 * Each method is one section of the page.
 */
@SuppressWarnings("unused")
final class TrainStateExamples {
  private TrainStateExamples() {}

  /** Params as a record; any pytree works (records, maps, lists). */
  @PyTreeNode
  record Params(INDArray kernel, INDArray bias) implements TrainStateExamples_ParamsPyTree.With {}

  /** A custom train state: the five Flax components plus batch statistics. */
  @PyTreeNode
  record CustomTrainState(
      long step,
      @Field(pytreeNode = false) ApplyFn<Params> applyFn,
      Params params,
      @Field(pytreeNode = false) GradientTransformation tx,
      OptState optState,
      Map<String, INDArray> batchStats)
      implements TrainStateExamples_CustomTrainStatePyTree.With {}

  static TrainState<Params> create(ApplyFn<Params> applyFn, Params params) {
    GradientTransformation tx = adam(1e-3);
    TrainState<Params> state = TrainStatePyTree.create(applyFn, params, tx);
    return state;
  }

  static TrainState<Params> applyGradients(TrainState<Params> state, Params grads) {
    TrainState<Params> next = state.applyGradients(grads);   // step + 1; `state` is unchanged
    return next;
  }

  static TrainState<Params> replace(TrainState<Params> state, Params newParams) {
    TrainState<Params> a = state.replace(b -> b.params(newParams).step(0));
    TrainState<Params> c = state.withParams(newParams);
    return a;
  }

  /** A record of records, for the nested replace. */
  @PyTreeNode
  record Hidden(INDArray kernel, INDArray bias) implements TrainStateExamples_HiddenPyTree.With {}

  @PyTreeNode
  record Layers(Hidden hidden, Hidden out) implements TrainStateExamples_LayersPyTree.With {}

  static TrainState<Layers> nestedReplace(TrainState<Layers> state, INDArray k) {
    TrainState<Layers> typed = state.updateParams(p -> p.updateHidden(h -> h.withKernel(k)));
    Map<String, Object> params = Map.of("dense", Map.of("kernel", k, "bias", k));
    Map<String, Object> byPath = PyTrees.replaceAt(params, KeyPath.root().dict("dense").dict("kernel"), k);
    return typed;
  }

  static CustomTrainState custom(ApplyFn<Params> applyFn, Params params, Params grads,
      Map<String, INDArray> stats, Map<String, INDArray> newStats) {
    CustomTrainState state = TrainStateExamples_CustomTrainStatePyTree.create(applyFn, params, adam(1e-3), stats);
    state = state.applyGradients(grads, b -> b.batchStats(newStats));
    return state;
  }

  static double learningRate(ApplyFn<Params> applyFn, Params params) {
    GradientTransformation tx = chain(
        clipByGlobalNorm(1.0),
        injectHyperparams(adam(warmupCosineDecay(0.0, 1e-3, 100, 10_000))));
    TrainState<Params> state = TrainStatePyTree.create(applyFn, params, tx);

    float lr = state.optState().get(1, InjectHyperparamsState.class).hyperparams().get("learning_rate").floatValue();
    double sameLr = state.optState().findHyperparam(LEARNING_RATE);
    return sameLr;
  }

  static TrainState<Params> byHand(TrainState<Params> state, Params grads) {
    UpdateResult result = state.tx().update(grads, state.optState(), state.params());
    Params newParams = applyUpdates(state.params(), result.updates());
    return state.replace(b -> b.step(state.step() + 1).params(newParams).optState(result.state()));
  }
}
