package org.pytree4j.grad;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.train.ApplyFn;

/** An {@link ApplyFn} computing one named output of a {@link ValueAndGradFn}'s graph. */
final class GraphApplyFn<P> implements ApplyFn<P> {
  private final ValueAndGradFn<P, ?> graph;
  private final String output;
  private final InputLeaf input;

  GraphApplyFn(ValueAndGradFn<P, ?> graph, String output, InputLeaf input) {
    this.graph = graph;
    this.output = output;
    this.input = input;
  }

  @Override
  public INDArray apply(P params, INDArray x) {
    return graph.forward(params, input, x, output);
  }

  @Override
  public String toString() {
    return "ApplyFn(" + output + " <- " + input.name() + ")";
  }
}
