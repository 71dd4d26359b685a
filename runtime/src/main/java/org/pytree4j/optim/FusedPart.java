package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.pytree4j.optim.engine.Engine;
import org.pytree4j.optim.engine.FusedOutcome;
import org.pytree4j.optim.engine.FusedPlan;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.kernels.GlobalNormClip;

/**
 * A transformation's update in fused form ({@link AbstractTransformation#fuse}): its elementwise ops
 * in order, the state trees they read (each a tree like the updates, e.g. {@code mu}, {@code nu}, or
 * under {@link Flatten} one vector of all their elements), and how to build the new state from the
 * new trees, which come in the same order.
 *
 * <p>Two other forms serve {@link MultiSteps}: a pass that adds the updates to a tree other than the
 * params ({@link #intoTarget}: a mini-step accumulates the gradients, the params pass through), and
 * two passes, the second over the params with the first's result as its gradients
 * ({@link #twoPasses}: a final mini-step whose inner optimizer starts with a clip, which needs the
 * norm of the accumulated gradients). Only a part of the first form is combined with others.
 */
final class FusedPart {
  final List<ElementwiseOp> ops;
  final List<Object> stateTrees;
  /** For each state tree: true when it is one vector of every element, in the order of the updates' leaves. */
  final List<Boolean> raveled;
  final Function<List<Object>, OptState> newState;
  /** The tree the updates are added to instead of the params, or null. */
  private final Object target;
  /** The new state from the target's new value ({@link #intoTarget}). */
  private final Function<Object, OptState> fromTarget;
  /** The second pass, made from the first's new target ({@link #twoPasses}). */
  private final Function<Object, FusedPart> then;

  private FusedPart(List<ElementwiseOp> ops, List<Object> stateTrees, List<Boolean> raveled,
      Function<List<Object>, OptState> newState, Object target, Function<Object, OptState> fromTarget,
      Function<Object, FusedPart> then) {
    this.ops = List.copyOf(ops);
    this.stateTrees = new ArrayList<>(stateTrees);
    this.raveled = List.copyOf(raveled);
    this.newState = newState;
    this.target = target;
    this.fromTarget = fromTarget;
    this.then = then;
  }

  private FusedPart(List<ElementwiseOp> ops, List<Object> stateTrees, List<Boolean> raveled,
      Function<List<Object>, OptState> newState) {
    this(ops, stateTrees, raveled, newState, null, null, null);
  }

  /** One op reading and writing {@code stateTrees}; the new state is made from their new values. */
  static FusedPart of(ElementwiseOp op, List<Object> stateTrees, Function<List<Object>, OptState> newState) {
    return new FusedPart(List.of(op), stateTrees, Collections.nCopies(stateTrees.size(), false), newState);
  }

  /** One op with no state trees; the new state is {@code next}. */
  static FusedPart of(ElementwiseOp op, OptState next) {
    return of(op, List.of(), trees -> next);
  }

  /** No per-element work; the state is kept as it is (identity, a scale by 1 ...). */
  static FusedPart unchanged(OptState state) {
    return new FusedPart(List.of(), List.of(), List.of(), trees -> state);
  }

  /**
   * {@code ops} (without state trees) and {@code target + u} over {@code target}, a tree of the
   * params' structure, which is donated with the step; the params pass through untouched. The new
   * state is made from the target's new value.
   */
  static FusedPart intoTarget(List<ElementwiseOp> ops, Object target, Function<Object, OptState> fromTarget) {
    for (ElementwiseOp op : ops) {
      if (op.stateTrees() != 0) {
        throw new IllegalArgumentException("a pass into a target has no state trees: " + op);
      }
    }
    return new FusedPart(ops, List.of(), List.of(), null, target, fromTarget, null);
  }

  /**
   * {@code first} (a pass {@link #intoTarget}, not donated), then the part {@code then} makes from
   * its new target, over the params with that new target as the gradients (donated with the step).
   */
  static FusedPart twoPasses(FusedPart first, Function<Object, FusedPart> then) {
    if (first.target == null || first.then != null) {
      throw new IllegalArgumentException("the first of two passes is a pass into a target");
    }
    return new FusedPart(first.ops, List.of(), List.of(), null, first.target, null, then);
  }

  /**
   * {@code rest} with {@code op}, which reads and writes the one state tree {@code tree}, inserted
   * before its op {@code at} (the ops before it read no state tree, so {@code tree} comes first); the
   * new state is {@code newState} of {@code tree}'s new value and {@code rest}'s new state. Null when
   * {@code rest} cannot be combined.
   */
  static FusedPart withStateOp(FusedPart rest, int at, ElementwiseOp op, Object tree,
      BiFunction<Object, OptState, OptState> newState) {
    if (!rest.combinable()) {
      return null;
    }
    for (int i = 0; i < at; i++) {
      if (rest.ops.get(i).stateTrees() != 0) {
        throw new IllegalArgumentException("op " + i + " reads a state tree: " + rest.ops.get(i));
      }
    }
    if (op.stateTrees() != 1) {
      throw new IllegalArgumentException("the inserted op reads one state tree: " + op);
    }
    List<ElementwiseOp> ops = new ArrayList<>(rest.ops);
    ops.add(at, op);
    List<Object> trees = new ArrayList<>();
    trees.add(tree);
    trees.addAll(rest.stateTrees);
    List<Boolean> raveled = new ArrayList<>();
    raveled.add(false);
    raveled.addAll(rest.raveled);
    return new FusedPart(ops, trees, raveled,
        newTrees -> newState.apply(newTrees.get(0), rest.newState.apply(newTrees.subList(1, newTrees.size()))));
  }

  /** True for a plan over the params that can be combined with others. */
  private boolean combinable() {
    return target == null;
  }

  /** The parts in sequence (a chain): ops concatenated, state rebuilt part by part; null when one cannot be combined. */
  static FusedPart sequence(List<FusedPart> parts, Function<List<OptState>, OptState> combine) {
    if (parts.size() == 1) {
      return parts.get(0).wrapped(state -> combine.apply(List.of(state)));
    }
    List<ElementwiseOp> ops = new ArrayList<>();
    List<Object> trees = new ArrayList<>();
    List<Boolean> raveled = new ArrayList<>();
    for (FusedPart p : parts) {
      if (!p.combinable()) {
        return null;
      }
      ops.addAll(p.ops);
      trees.addAll(p.stateTrees);
      raveled.addAll(p.raveled);
    }
    return new FusedPart(ops, trees, raveled, newTrees -> {
      List<OptState> states = new ArrayList<>(parts.size());
      int at = 0;
      for (FusedPart p : parts) {
        int n = p.stateTrees.size();
        states.add(p.newState.apply(newTrees.subList(at, at + n)));
        at += n;
      }
      return combine.apply(states);
    });
  }

  /** This part with its new state passed through {@code wrap} (e.g. into an inject state). */
  FusedPart wrapped(Function<OptState, OptState> wrap) {
    if (then != null) {
      return new FusedPart(ops, List.of(), List.of(), null, target, null, t -> then.apply(t).wrapped(wrap));
    }
    if (target != null) {
      return new FusedPart(ops, List.of(), List.of(), null, target, t -> wrap.apply(fromTarget.apply(t)), null);
    }
    return new FusedPart(ops, stateTrees, raveled, trees -> wrap.apply(newState.apply(trees)));
  }

  /**
   * This part seeing the updates as one vector ({@link Flatten}): its state trees are vectors, a norm
   * is one vector's; null when it cannot be combined.
   */
  FusedPart raveled() {
    if (!combinable()) {
      return null;
    }
    List<ElementwiseOp> flat = new ArrayList<>(ops.size());
    for (ElementwiseOp op : ops) {
      flat.add(op instanceof GlobalNormClip clip ? clip.ofOneVector() : op);
    }
    return new FusedPart(flat, stateTrees, Collections.nCopies(stateTrees.size(), true), newState);
  }

  /** The engine's form of this part's (first) pass. */
  FusedPlan plan() {
    return new FusedPlan(ops, stateTrees, raveled);
  }

  /**
   * This part as one step on {@code engine}: the new params and state, or null when the engine
   * declines it (nothing is then changed, donated or not).
   */
  OptimizerStep<Object> run(Engine engine, Object params, OptState state, Object grads, boolean donate) {
    if (target == null) {
      FusedOutcome out = engine.tryStep(plan(), params, state, grads, donate);
      return out == null ? null : new OptimizerStep<>(out.params(), newState.apply(out.stateTrees()));
    }
    if (then == null) {
      // the params are not read: their structure is checked here, as the engine does for the params it reads
      if (!UpdateTrees.NONE_IS_LEAF.structure(params).equals(UpdateTrees.NONE_IS_LEAF.structure(grads))) {
        return null;
      }
      FusedOutcome out = intoTarget(engine, state, grads, donate);
      return out == null ? null : new OptimizerStep<>(params, fromTarget.apply(out.params()));
    }
    // not donated: if the second pass is declined, the state is still as it was
    FusedOutcome first = intoTarget(engine, state, grads, false);
    if (first == null) {
      return null;
    }
    FusedPart second = then.apply(first.params());
    return second.combinable() ? second.run(engine, params, state, first.params(), donate) : null;
  }

  /** The pass into the target; a donated array read there is named as part of the optimizer state, which it is. */
  private FusedOutcome intoTarget(Engine engine, OptState state, Object grads, boolean donate) {
    try {
      return engine.tryStep(plan(), target, state, grads, donate);
    } catch (IllegalArgumentException released) {
      engine.requireNotReleased(grads, "grads");
      engine.requireNotReleased(state, "the optimizer state");
      throw released;
    }
  }
}
