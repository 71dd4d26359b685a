package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.FlattenedWithPath;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.Variables;

/** Builds the SameDiff graph of a loss function (or of a model's forward pass) once, from examples. */
final class GraphBuild {
  static final String BATCH_STATS = "batch_stats";

  private GraphBuild() {}

  static <P, B> ValueAndGradFn<P, B> build(LossFn<P, B> lossFn, P exampleParams, B exampleBatch) {
    if (lossFn == null) {
      throw new IllegalArgumentException("lossFn must not be null");
    }
    GraphInputs params = GraphInputs.params(exampleParams);
    GraphInputs batch = GraphInputs.batch(exampleBatch);

    SameDiff sd = SameDiff.create();
    bindByReference(sd);
    Map<INDArray, SDVariable> variables = new IdentityHashMap<>();
    List<INDArray> paramLeaves = paramVariables(sd, params, exampleParams, variables);
    List<INDArray> batchLeaves = placeholders(sd, batch, exampleBatch, variables);

    Graph g = new Graph(sd, variables);
    SDVariable loss;
    try {
      loss = lossFn.loss(g, params.treeDef().unflatten(paramLeaves), batch.treeDef().unflatten(batchLeaves));
    } finally {
      g.finish();
    }
    differentiate(sd, loss);
    return new ValueAndGradFn<>(new GradEngine(sd, params, batch, null, List.of(), loss.name(), List.of()),
        g.outputs());
  }

  static <P, S, B, A> AuxValueAndGradFn<P, S, B, A> buildWithAux(AuxLossFn<P, S, B, A> lossFn,
      Variables<P, S> exampleVariables, B exampleBatch) {
    if (lossFn == null) {
      throw new IllegalArgumentException("lossFn must not be null");
    }
    if (exampleVariables == null) {
      throw new IllegalArgumentException("exampleVariables must not be null: pass new Variables<>(params, batchStats)"
          + " or Variables.of(params)");
    }
    GraphInputs params = GraphInputs.params(exampleVariables.params());
    GraphInputs stats = GraphInputs.collection(BATCH_STATS, exampleVariables.batchStats());
    GraphInputs batch = GraphInputs.batch(exampleBatch);

    SameDiff sd = SameDiff.create();
    bindByReference(sd);
    Map<INDArray, SDVariable> variables = new IdentityHashMap<>();
    List<INDArray> paramLeaves = paramVariables(sd, params, exampleVariables.params(), variables);
    List<INDArray> statsLeaves = placeholders(sd, stats, exampleVariables.batchStats(), variables);
    List<INDArray> batchLeaves = placeholders(sd, batch, exampleBatch, variables);

    Graph g = new Graph(sd, variables, statsLeaves, Graph.Kind.LOSS_WITH_AUX);
    LossWithAux<A> result;
    try {
      result = lossFn.loss(g, new Variables<>(params.treeDef().unflatten(paramLeaves),
          stats.treeDef().unflatten(statsLeaves)), batch.treeDef().unflatten(batchLeaves));
    } finally {
      g.finish();
    }
    if (result == null) {
      throw new IllegalArgumentException("the loss function must return LossWithAux.of(loss, aux), not null");
    }
    FlattenedWithPath aux = PyTrees.flattenWithPath(result.aux());
    List<String> auxNames = new ArrayList<>();
    for (LeafWithPath leaf : aux.leaves()) {
      SDVariable value = g.standInFor(leaf.leaf());
      if (value == null) {
        throw new InvalidTreeException(leaf.path(), "aux" + leaf.path().keystr() + ": every leaf of the aux tree"
            + " must stand for a graph value, made with g.aux(variable) (or g.updated(stats)), but found "
            + (leaf.leaf() instanceof INDArray array ? InputLeaf.describe(array) : String.valueOf(leaf.leaf())));
      }
      auxNames.add(value.name());
    }
    SDVariable loss = result.loss();
    differentiate(sd, loss);
    GradEngine engine = new GradEngine(sd, params, batch, stats, g.draws(), loss.name(), auxNames);
    return new AuxValueAndGradFn<>(engine, aux.treeDef());
  }

  /**
   * A model's forward pass over its variables: every leaf of the variables is a placeholder ({@code params}
   * + key path, or for a {@link Variables} also {@code batch_stats} + key path), and so is the input.
   */
  static <V> ApplyFn<V> buildForward(ForwardFn<V> forward, V exampleVariables, INDArray exampleInput) {
    if (forward == null) {
      throw new IllegalArgumentException("forward must not be null");
    }
    if (exampleInput == null) {
      throw new IllegalArgumentException("exampleInput must not be null: pass an input batch, e.g. the first one");
    }
    List<GraphInputs> collections = new ArrayList<>();
    List<Object> examples = new ArrayList<>();
    if (exampleVariables instanceof Variables<?, ?> v) {
      collections.add(GraphInputs.collection("params", v.params()));
      collections.add(GraphInputs.collection(BATCH_STATS, v.batchStats()));
      examples.add(v.params());
      examples.add(v.batchStats());
    } else {
      collections.add(GraphInputs.collection("params", exampleVariables));
      examples.add(exampleVariables);
    }
    long[] inputShape = exampleInput.shape().clone();
    if (inputShape.length > 0) {
      inputShape[0] = InputLeaf.ANY;   // the batch dimension
    }
    InputLeaf input = InputLeaf.named(ForwardGraph.INPUT, exampleInput.dataType(), inputShape);

    SameDiff sd = SameDiff.create();
    Map<INDArray, SDVariable> variables = new IdentityHashMap<>();
    List<List<INDArray>> leaves = new ArrayList<>();
    for (int i = 0; i < collections.size(); i++) {
      leaves.add(placeholders(sd, collections.get(i), examples.get(i), variables));
    }
    SDVariable x = sd.placeHolder(ForwardGraph.INPUT, input.dataType(), input.shape());
    Graph g = new Graph(sd, variables, List.of(), Graph.Kind.FORWARD);
    SDVariable out;
    try {
      V rebuilt = exampleVariables instanceof Variables<?, ?>
          ? uncheckedVariables(collections.get(0).treeDef().unflatten(leaves.get(0)),
              collections.get(1).treeDef().unflatten(leaves.get(1)))
          : collections.get(0).treeDef().unflatten(leaves.get(0));
      out = forward.apply(g, rebuilt, x);
    } finally {
      g.finish();
    }
    if (out == null || out.getSameDiff() != sd) {
      throw new IllegalArgumentException("the forward function must return a variable of g.sd(), but returned "
          + (out == null ? "null" : "a variable of another SameDiff instance: " + out.name()));
    }
    return new ForwardGraph<>(sd, collections, exampleVariables instanceof Variables<?, ?>, input, out.name());
  }

  @SuppressWarnings("unchecked")
  private static <V> V uncheckedVariables(Object params, Object stats) {
    return (V) new Variables<>(params, stats);
  }

  private static void differentiate(SameDiff sd, SDVariable loss) {
    if (loss == null || loss.getSameDiff() != sd) {
      throw new IllegalArgumentException("the loss function must return a variable of g.sd(), but returned "
          + (loss == null ? "null" : "a variable of another SameDiff instance: " + loss.name()));
    }
    if (loss.dataType() != null && !loss.dataType().isFPType()) {
      throw new IllegalArgumentException("the loss must be floating point, but " + loss.name() + " is "
          + InputLeaf.dtypeName(loss.dataType()));
    }
    sd.setLossVariables(loss);
    try {
      QuietSameDiff.run(sd::createGradFunction);
    } catch (RuntimeException e) {
      // SameDiff differentiates a copy of the graph made through its FlatBuffers serializer; ops whose
      // attributes do not survive that copy fail here (in 1.0.0-M2.1: nn.logSoftmax(x, dimension))
      throw new IllegalStateException("SameDiff could not build the gradient of the loss " + loss.name()
          + " (" + e.getMessage() + "); an op in the loss function may not support SameDiff's graph copy,"
          + " e.g. nn.logSoftmax(x, dimension) in ND4J 1.0.0-M2.1 (use nn.logSoftmax(x) for the last"
          + " dimension)", e);
    }
    bindByReference(sd.getFunction("grad"));
  }

  private static List<INDArray> paramVariables(SameDiff sd, GraphInputs params, Object example,
      Map<INDArray, SDVariable> variables) {
    List<INDArray> leaves = distinctLeaves(example, variables);
    for (int i = 0; i < leaves.size(); i++) {
      InputLeaf leaf = params.leaves().get(i);
      variables.put(leaves.get(i), sd.var(leaf.name(), leaves.get(i)));
    }
    return leaves;
  }

  private static List<INDArray> placeholders(SameDiff sd, GraphInputs inputs, Object example,
      Map<INDArray, SDVariable> variables) {
    List<INDArray> leaves = distinctLeaves(example, variables);
    for (int i = 0; i < leaves.size(); i++) {
      InputLeaf leaf = inputs.leaves().get(i);
      variables.put(leaves.get(i), sd.placeHolder(leaf.name(), leaf.dataType(), leaf.shape()));
    }
    return leaves;
  }

  /**
   * SameDiff's default array holders copy every array bound to a variable into the array the
   * variable was created with: a copy per step, written into the caller's example params. These
   * hold the caller's arrays as they are.
   */
  private static void bindByReference(SameDiff sd) {
    if (!(sd.getVariablesArrays() instanceof SingleThreadArrayHolder)
        || !(sd.getConstantArrays() instanceof SingleThreadArrayHolder)) {
      sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), true);
    }
  }

  /**
   * The tree's leaves, each a distinct object so that {@link Graph#var} can find it by identity: a
   * leaf already seen (the same array twice in the params, or in both params and batch) is copied.
   */
  private static List<INDArray> distinctLeaves(Object tree, Map<INDArray, SDVariable> seen) {
    List<INDArray> leaves = new ArrayList<>();
    Map<INDArray, Boolean> here = new IdentityHashMap<>();
    for (Object leaf : PyTrees.leaves(tree)) {
      INDArray array = (INDArray) leaf;
      leaves.add(seen.containsKey(array) || here.put(array, Boolean.TRUE) != null ? array.dup() : array);
    }
    return leaves;
  }
}
