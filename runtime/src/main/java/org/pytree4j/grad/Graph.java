package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTrees;

/**
 * What a {@link LossFn} (or an {@link AuxLossFn}, or a {@link ForwardFn}) builds its graph with: the
 * SameDiff instance, and the variable standing for each leaf of the example params, batch statistics and
 * batch.
 *
 * <p>Java records such as {@code Dense(INDArray kernel, INDArray bias)} cannot hold SameDiff
 * variables, so the loss function receives the params as they are and asks the graph for the
 * variable of a leaf: {@code g.var(p.hidden().kernel())}. Leaves are matched by identity, so the
 * lookup works for any tree shape without reflection or string keys. Params leaves are SameDiff
 * variables named {@code params} + their key path ({@code params.hidden.kernel},
 * {@code params['dense']['kernel']}); batch leaves are placeholders named {@code batch} + their key
 * path ({@code batch.x}, {@code batch['x']}); leaves of the batch statistics are placeholders named
 * {@code batch_stats} + their key path.
 *
 * <p>The other direction works the same way: {@link #aux} turns a graph value into an array that stands
 * for it in the aux tree a loss function returns, and each call hands back that tree with the value in
 * its place. The batch statistics a layer computes are recorded with {@link #update} and collected with
 * {@link #updated} (Flax's {@code mutable=['batch_stats']}); random masks come from {@link #bernoulli},
 * drawn per call from the call's PRNG key (Flax's {@code rngs={'dropout': key}}).
 *
 * <p>A Graph is valid only while the loss function runs.
 */
public final class Graph {
  /** What the graph is for, which decides what it may do. */
  enum Kind {
    /** {@link Grad#valueAndGrad}: a loss of params and batch. */
    LOSS,
    /** {@link Grad#valueAndGradWithAux}: a loss with aux outputs, batch statistics and random draws. */
    LOSS_WITH_AUX,
    /** {@link Grad#applyFn}: a model's forward pass, deterministic, its variables read-only. */
    FORWARD
  }

  private final SameDiff sd;
  private final Kind kind;
  private final Map<INDArray, SDVariable> leafVariables;
  private final Map<INDArray, Boolean> mutableLeaves;
  private final List<String> outputs = new ArrayList<>();
  private final Map<INDArray, SDVariable> standIns = new IdentityHashMap<>();
  private final Map<INDArray, SDVariable> updates = new IdentityHashMap<>();
  private final List<RandomDraw> draws = new ArrayList<>();
  private boolean building = true;

  Graph(SameDiff sd, Map<INDArray, SDVariable> leafVariables) {
    this(sd, leafVariables, List.of(), Kind.LOSS);
  }

  Graph(SameDiff sd, Map<INDArray, SDVariable> leafVariables, List<INDArray> mutableLeaves, Kind kind) {
    this.sd = sd;
    this.kind = kind;
    this.leafVariables = new IdentityHashMap<>(leafVariables);
    this.mutableLeaves = new IdentityHashMap<>();
    for (INDArray leaf : mutableLeaves) {
      this.mutableLeaves.put(leaf, Boolean.TRUE);
    }
  }

  /** The SameDiff instance the graph is built in: use its {@code nn}, {@code math}, {@code loss} ops. */
  public SameDiff sd() {
    checkBuilding();
    return sd;
  }

  /**
   * The graph variable standing for a leaf of the params (a trainable variable), of the batch
   * statistics or of the batch (a placeholder). The same leaf always gives the same variable.
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
      String what = standIns.containsKey(leaf) ? "an aux stand-in made by g.aux(...), which only marks a place"
          + " in the aux tree" : InputLeaf.describe(leaf);
      throw new IllegalArgumentException("g.var(...) was given an array that is not a leaf of the params or the"
          + " batch (" + what + "); pass the leaf itself, e.g. g.var(p.hidden().kernel()),"
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
    checkOwn(value, "output '" + name + "'");
    if (sd.hasVariable(name)) {
      throw new IllegalArgumentException("output name '" + name + "' is already used in the graph by "
          + (outputs.contains(name) ? "another output" : "the variable " + name));
    }
    outputs.add(name);
    return sd.identity(name, value);
  }

  /**
   * An array that stands for {@code value} in the aux tree of an {@link AuxLossFn} (JAX's
   * {@code has_aux}): put it anywhere in the tree the loss function returns, and every call returns that
   * tree with {@code value}'s array for this call in its place, a new array the caller owns.
   *
   * <pre>{@code
   * return LossWithAux.of(loss, new Metrics(g.aux(loss), g.aux(accuracy)));
   * }</pre>
   *
   * The stand-in is a placeholder of no use in computations: it only marks a place in the tree.
   *
   * @throws IllegalStateException outside a loss function with aux ({@link Grad#valueAndGradWithAux})
   */
  public INDArray aux(SDVariable value) {
    checkBuilding();
    require(Kind.LOSS_WITH_AUX, "g.aux(...) builds the aux tree of a loss function with aux outputs;"
        + " make the function with Grad.valueAndGradWithAux");
    checkOwn(value, "g.aux(...)");
    INDArray standIn = Nd4j.scalar(DataType.FLOAT, 0);
    standIns.put(standIn, value);
    return standIn;
  }

  /**
   * Records the new value of a mutable variable: a leaf of the batch statistics ({@code g.var(leaf)} is
   * its old value), as a Flax layer writes {@code self.variable('batch_stats', 'mean').value = ...} when
   * {@code batch_stats} is mutable. {@link #updated} collects the new values.
   *
   * @throws IllegalArgumentException if {@code leaf} is not a leaf of the batch statistics, or was
   *     updated already
   * @throws IllegalStateException in a forward graph ({@link Grad#applyFn}), where the variables are
   *     read-only (Flax's {@code apply} without {@code mutable}); build the model with {@code train = false}
   */
  public void update(INDArray leaf, SDVariable newValue) {
    checkBuilding();
    if (kind == Kind.FORWARD) {
      throw new IllegalStateException("the batch_stats collection is read-only in a forward graph (as in Flax's"
          + " apply without mutable=['batch_stats']): build the model with train = false for Grad.applyFn");
    }
    require(Kind.LOSS_WITH_AUX, "only the batch statistics of Grad.valueAndGradWithAux can be updated");
    if (leaf == null || !mutableLeaves.containsKey(leaf)) {
      throw new IllegalArgumentException("g.update(...) was given an array that is not a leaf of the batch"
          + " statistics (" + (leaf == null ? "null" : InputLeaf.describe(leaf)) + "); pass the leaf itself,"
          + " e.g. g.update(stats.bn().mean(), newMean)");
    }
    checkOwn(newValue, "the new value of " + leafVariables.get(leaf).name());
    if (updates.containsKey(leaf)) {
      throw new IllegalArgumentException(leafVariables.get(leaf).name() + " is updated twice; each leaf of the"
          + " batch statistics takes one new value per call");
    }
    updates.put(leaf, newValue);
  }

  /**
   * The batch statistics as the layers updated them (Flax's {@code updates['batch_stats']} from
   * {@code apply(..., mutable=['batch_stats'])}): a tree of {@code stats}' structure holding, for each
   * leaf, a stand-in ({@link #aux}) for its new value, or for its old value if no layer updated it. Put
   * it in the aux tree.
   *
   * @param stats the batch statistics the loss function was given ({@code variables.batchStats()})
   */
  public <S> S updated(S stats) {
    checkBuilding();
    require(Kind.LOSS_WITH_AUX, "g.updated(...) collects the batch statistics of Grad.valueAndGradWithAux");
    return PyTrees.map((Object leaf) -> {
      if (!(leaf instanceof INDArray array) || !mutableLeaves.containsKey(array)) {
        throw new IllegalArgumentException("g.updated(...) takes the batch statistics the loss function was"
            + " given (variables.batchStats()), whose every leaf is one of them; found "
            + (leaf instanceof INDArray other ? InputLeaf.describe(other) : String.valueOf(leaf)));
      }
      SDVariable value = updates.get(array);
      return aux(value != null ? value : leafVariables.get(array));
    }, stats);
  }

  /**
   * An array of 0s and 1s shaped like {@code like}, drawn anew for each call as
   * {@code jax.random.bernoulli(key, p, like.shape)}: what a dropout layer masks with (see
   * {@code org.pytree4j.nn.Dropout}). Each call passes a PRNG key (Flax's {@code rngs={'dropout': key}});
   * the graph's draws, numbered in the order they are made, use {@code split(key, n)} of it, draw
   * {@code i} the key {@code i} ({@code key.foldIn(i)}).
   *
   * @return a placeholder of {@code like}'s data type, which each call fills
   * @throws IllegalStateException outside a loss function with aux, which is the one that takes a key; a
   *     forward graph ({@link Grad#applyFn}) is deterministic: build the model with {@code train = false}
   */
  public SDVariable bernoulli(double p, SDVariable like) {
    checkBuilding();
    if (kind == Kind.FORWARD) {
      throw new IllegalStateException("a forward graph is deterministic and has no PRNG key to draw from"
          + " (as Flax's apply without rngs): build the model with train = false for Grad.applyFn");
    }
    require(Kind.LOSS_WITH_AUX, "random draws need a PRNG key per call; make the function with"
        + " Grad.valueAndGradWithAux and pass the key to apply");
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("bernoulli's p must be in [0, 1], not " + p);
    }
    checkOwn(like, "g.bernoulli(...)");
    DataType type = like.dataType();
    if (type == null || !type.isFPType()) {
      throw new IllegalArgumentException("g.bernoulli(p, like) draws values of like's floating-point data"
          + " type, but " + like.name() + " is " + (type == null ? "of unknown type" : InputLeaf.dtypeName(type)));
    }
    int index = draws.size();
    String name = "rng/bernoulli_" + index;
    while (sd.hasVariable(name)) {
      name = name + "_";
    }
    SDVariable placeholder = sd.placeHolder(name, type, (long[]) null);
    draws.add(new RandomDraw(index, name, like.name(), p, type));
    return placeholder;
  }

  List<String> outputs() {
    return Collections.unmodifiableList(outputs);
  }

  /** The graph variable an aux stand-in stands for, or null if the array is no stand-in. */
  SDVariable standInFor(Object leaf) {
    return leaf instanceof INDArray array ? standIns.get(array) : null;
  }

  List<RandomDraw> draws() {
    return Collections.unmodifiableList(draws);
  }

  void finish() {
    building = false;
  }

  private void require(Kind needed, String message) {
    if (kind != needed) {
      throw new IllegalStateException(message);
    }
  }

  private void checkOwn(SDVariable value, String what) {
    if (value == null || value.getSameDiff() != sd) {
      throw new IllegalArgumentException(what + " must be a variable of g.sd()");
    }
  }

  private void checkBuilding() {
    if (!building) {
      throw new IllegalStateException("this Graph was used after its loss function returned; build the"
          + " whole graph inside the LossFn");
    }
  }
}
