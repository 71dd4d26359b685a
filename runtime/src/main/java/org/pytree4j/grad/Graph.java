package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a {@link LossFn} builds its graph with: the SameDiff instance, and the variable standing for
 * each leaf of the example params and batch.
 *
 * <p>Java records such as {@code Dense(INDArray kernel, INDArray bias)} cannot hold SameDiff
 * variables, so the loss function receives the params as they are and asks the graph for the
 * variable of a leaf: {@code g.var(p.hidden().kernel())}. Leaves are matched by identity, so the
 * lookup works for any tree shape without reflection or string keys. Params leaves are SameDiff
 * variables named {@code params} + their key path ({@code params.hidden.kernel},
 * {@code params['dense']['kernel']}); batch leaves are placeholders named {@code batch} + their key
 * path ({@code batch.x}, {@code batch['x']}).
 *
 * <p>A Graph is valid only while the loss function runs.
 */
public final class Graph {
  private final SameDiff sd;
  private final Map<INDArray, SDVariable> leafVariables;
  private final List<String> outputs = new ArrayList<>();
  private boolean building = true;

  Graph(SameDiff sd, Map<INDArray, SDVariable> leafVariables) {
    this.sd = sd;
    this.leafVariables = new IdentityHashMap<>(leafVariables);
  }

  /** The SameDiff instance the graph is built in: use its {@code nn}, {@code math}, {@code loss} ops. */
  public SameDiff sd() {
    checkBuilding();
    return sd;
  }

  /**
   * The graph variable standing for a leaf of the params (a trainable variable) or of the batch (a
   * placeholder). The same leaf always gives the same variable.
   *
   * @throws IllegalArgumentException if {@code leaf} is not one of those leaves (a copy, a reshape
   *     or a new array is not); put constants in the graph with {@code g.sd().constant(array)}
   */
  public SDVariable var(INDArray leaf) {
    checkBuilding();
    if (leaf == null) {
      throw new IllegalArgumentException("g.var(null): expected a leaf of the params or the batch");
    }
    SDVariable variable = leafVariables.get(leaf);
    if (variable == null) {
      throw new IllegalArgumentException("g.var(...) was given an array that is not a leaf of the params or the"
          + " batch (" + InputLeaf.describe(leaf) + "); pass the leaf itself, e.g. g.var(p.hidden().kernel()),"
          + " and put constants in the graph with g.sd().constant(array)");
    }
    return variable;
  }

  /**
   * Names {@code value} as an output of the model, for {@link ValueAndGradFn#applyFn(String)}:
   * {@code SDVariable logits = g.output("logits", h.mmul(w).add(b));}.
   *
   * @return the output variable, named {@code name}, holding the same values as {@code value}
   * @throws IllegalArgumentException if the name is already used in the graph
   */
  public SDVariable output(String name, SDVariable value) {
    checkBuilding();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an output needs a non-empty name");
    }
    if (value == null || value.getSameDiff() != sd) {
      throw new IllegalArgumentException("output '" + name + "' must be a variable of g.sd()");
    }
    if (sd.hasVariable(name)) {
      throw new IllegalArgumentException("output name '" + name + "' is already used in the graph by "
          + (outputs.contains(name) ? "another output" : "the variable " + name));
    }
    outputs.add(name);
    return sd.identity(name, value);
  }

  List<String> outputs() {
    return Collections.unmodifiableList(outputs);
  }

  void finish() {
    building = false;
  }

  private void checkBuilding() {
    if (!building) {
      throw new IllegalStateException("this Graph was used after its loss function returned; build the"
          + " whole graph inside the LossFn");
    }
  }
}
