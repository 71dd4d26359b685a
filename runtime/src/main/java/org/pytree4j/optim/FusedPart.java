package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.pytree4j.optim.engine.FusedPlan;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.kernels.GlobalNormClip;

/**
 * A transformation's update in fused form ({@link AbstractTransformation#fuse}): its elementwise ops
 * in order, the state trees they read (each a tree like the updates, e.g. {@code mu}, {@code nu}, or
 * under {@link Flatten} one vector of all their elements), and how to build the new state from the
 * new trees, which come in the same order.
 */
final class FusedPart {
  final List<ElementwiseOp> ops;
  final List<Object> stateTrees;
  /** For each state tree: true when it is one vector of every element, in the order of the updates' leaves. */
  final List<Boolean> raveled;
  final Function<List<Object>, OptState> newState;

  private FusedPart(List<ElementwiseOp> ops, List<Object> stateTrees, List<Boolean> raveled,
      Function<List<Object>, OptState> newState) {
    this.ops = List.copyOf(ops);
    this.stateTrees = new ArrayList<>(stateTrees);
    this.raveled = List.copyOf(raveled);
    this.newState = newState;
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

  /** The parts in sequence (a chain): ops concatenated, state rebuilt part by part. */
  static FusedPart sequence(List<FusedPart> parts, Function<List<OptState>, OptState> combine) {
    List<ElementwiseOp> ops = new ArrayList<>();
    List<Object> trees = new ArrayList<>();
    List<Boolean> raveled = new ArrayList<>();
    for (FusedPart p : parts) {
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
    return new FusedPart(ops, stateTrees, raveled, trees -> wrap.apply(newState.apply(trees)));
  }

  /** This part seeing the updates as one vector ({@link Flatten}): its state trees are vectors, a norm is one vector's. */
  FusedPart raveled() {
    List<ElementwiseOp> flat = new ArrayList<>(ops.size());
    for (ElementwiseOp op : ops) {
      flat.add(op instanceof GlobalNormClip clip ? clip.ofOneVector() : op);
    }
    return new FusedPart(flat, stateTrees, Collections.nCopies(stateTrees.size(), true), newState);
  }

  /** The engine's form of this part. */
  FusedPlan plan() {
    return new FusedPlan(ops, stateTrees, raveled);
  }
}
