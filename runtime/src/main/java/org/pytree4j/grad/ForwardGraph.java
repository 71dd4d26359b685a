package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.Variables;

/**
 * A model's forward pass built once by {@link Grad#applyFn}: each call checks the variables collection by
 * collection (a mismatch names the collection and the key path), feeds them and the input to the graph's
 * placeholders, and runs SameDiff. Calls are serialized.
 */
final class ForwardGraph<V> implements ApplyFn<V> {
  static final String INPUT = "input";

  private final SameDiff sd;
  private final List<GraphInputs> collections;
  private final boolean variables;
  private final InputLeaf input;
  private final String output;

  ForwardGraph(SameDiff sd, List<GraphInputs> collections, boolean variables, InputLeaf input, String output) {
    this.sd = sd;
    this.collections = List.copyOf(collections);
    this.variables = variables;
    this.input = input;
    this.output = output;
  }

  @Override
  public synchronized INDArray apply(V vars, INDArray x) {
    List<Object> trees = new ArrayList<>(2);
    if (variables) {
      if (!(vars instanceof Variables<?, ?> v)) {
        throw new IllegalArgumentException("this model takes Variables (params and batch_stats), not "
            + (vars == null ? "null" : vars.getClass().getName()));
      }
      trees.add(v.params());
      trees.add(v.batchStats());
    } else {
      trees.add(vars);
    }
    Map<String, INDArray> feed = new HashMap<>();
    Set<INDArray> bound = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int c = 0; c < collections.size(); c++) {
      GraphInputs collection = collections.get(c);
      List<INDArray> arrays = collection.check(trees.get(c));
      for (int i = 0; i < arrays.size(); i++) {
        feed.put(collection.leaves().get(i).name(), arrays.get(i));
        bound.add(arrays.get(i));
      }
    }
    INDArray in = input.check(x);
    feed.put(INPUT, in);
    bound.add(in);
    INDArray out = sd.output(feed, output).get(output);
    return bound.contains(out) ? out.dup() : out;
  }

  /** The SameDiff instance of the forward pass. */
  SameDiff sameDiff() {
    return sd;
  }

  @Override
  public String toString() {
    return "ApplyFn(" + output + " <- " + INPUT + ")";
  }
}
