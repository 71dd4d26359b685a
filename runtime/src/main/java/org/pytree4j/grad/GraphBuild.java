package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;

/** Builds the SameDiff graph of a {@link LossFn} once, from example params and batch. */
final class GraphBuild {
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
    List<INDArray> paramLeaves = distinctLeaves(exampleParams, variables);
    for (int i = 0; i < paramLeaves.size(); i++) {
      InputLeaf leaf = params.leaves().get(i);
      variables.put(paramLeaves.get(i), sd.var(leaf.name(), paramLeaves.get(i)));
    }
    List<INDArray> batchLeaves = distinctLeaves(exampleBatch, variables);
    for (int i = 0; i < batchLeaves.size(); i++) {
      InputLeaf leaf = batch.leaves().get(i);
      variables.put(batchLeaves.get(i), sd.placeHolder(leaf.name(), leaf.dataType(), leaf.shape()));
    }

    Graph g = new Graph(sd, variables);
    SDVariable loss;
    try {
      loss = lossFn.loss(g, params.treeDef().unflatten(paramLeaves), batch.treeDef().unflatten(batchLeaves));
    } finally {
      g.finish();
    }
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
    return new ValueAndGradFn<>(sd, params, batch, loss.name(), g.outputs());
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
