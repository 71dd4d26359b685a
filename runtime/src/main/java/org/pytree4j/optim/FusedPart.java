package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A transformation's update in fused form ({@link AbstractTransformation#fuse}): its elementwise
 * stages in order, the state trees they read (each a tree like the updates, e.g. {@code mu}, {@code nu},
 * or under {@link Flatten} one vector of all their elements), and how to build the new state from
 * the new trees, which come in the same order.
 */
final class FusedPart {
  /**
   * One stage and how many of the state trees belong to it; {@code direct} is its form on the slabs
   * (or null), {@code updatesOnly} says it reads and writes nothing but the updates (a scale).
   * {@code normOfOneVector} says a global norm is summed as over one leaf (inside {@link Flatten});
   * {@code nativeOp} is its arithmetic for the native adam kernel (or null).
   */
  record Stage(FusedStage stage, int stateTrees, boolean needsGlobalNorm, double maxNorm, DirectStage direct,
      boolean updatesOnly, boolean normOfOneVector, NativeOp nativeOp) {
    static Stage of(FusedStage stage, int stateTrees) {
      return new Stage(stage, stateTrees, false, 0, null, false, false, null);
    }

    /** A stage with state that also has a form working on the slabs directly (when {@code direct} is not null). */
    static Stage of(FusedStage stage, int stateTrees, DirectStage direct) {
      return new Stage(stage, stateTrees, false, 0, direct, false, false, null);
    }

    /** A stage that touches only the updates: it runs on the scratch block whichever way the step reads memory. */
    static Stage onUpdates(FusedStage stage) {
      return new Stage(stage, 0, false, 0, null, true, false, null);
    }

    /** The leading clip, resolved into a scale once the gradients' global norm is known. */
    static Stage globalNormClip(double maxNorm) {
      return new Stage(null, 0, true, maxNorm, null, false, false, null);
    }

    Stage ofOneVector() {
      return new Stage(stage, stateTrees, needsGlobalNorm, maxNorm, direct, updatesOnly, true, nativeOp);
    }

    /** This stage with its arithmetic also given to the native adam kernel. */
    Stage withNative(NativeOp op) {
      return new Stage(stage, stateTrees, needsGlobalNorm, maxNorm, direct, updatesOnly, normOfOneVector, op);
    }

    /** True when the stage can run in a step that reads and writes the slabs directly. */
    boolean runsDirect() {
      return updatesOnly || direct != null;
    }
  }

  final List<Stage> stages;
  final List<Object> stateTrees;
  /** For each state tree: true when it is one vector of every element, in the order of the updates' leaves. */
  final List<Boolean> raveled;
  final Function<List<Object>, OptState> newState;

  FusedPart(List<Stage> stages, List<Object> stateTrees, Function<List<Object>, OptState> newState) {
    this(stages, stateTrees, Collections.nCopies(stateTrees.size(), false), newState);
  }

  private FusedPart(List<Stage> stages, List<Object> stateTrees, List<Boolean> raveled,
      Function<List<Object>, OptState> newState) {
    this.stages = List.copyOf(stages);
    this.stateTrees = new ArrayList<>(stateTrees);
    this.raveled = List.copyOf(raveled);
    this.newState = newState;
  }

  /** No per-element work; the state is kept as it is (identity, a scale by 1 ...). */
  static FusedPart unchanged(OptState state) {
    return new FusedPart(List.of(), List.of(), trees -> state);
  }

  /** The parts in sequence (a chain): stages concatenated, state rebuilt part by part. */
  static FusedPart sequence(List<FusedPart> parts, Function<List<OptState>, OptState> combine) {
    List<Stage> stages = new ArrayList<>();
    List<Object> trees = new ArrayList<>();
    List<Boolean> raveled = new ArrayList<>();
    for (FusedPart p : parts) {
      stages.addAll(p.stages);
      trees.addAll(p.stateTrees);
      raveled.addAll(p.raveled);
    }
    return new FusedPart(stages, trees, raveled, newTrees -> {
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
    return new FusedPart(stages, stateTrees, raveled, trees -> wrap.apply(newState.apply(trees)));
  }

  /** This part seeing the updates as one vector ({@link Flatten}): its state trees are vectors, a norm is one vector's. */
  FusedPart raveled() {
    List<Stage> flat = new ArrayList<>(stages.size());
    for (Stage s : stages) {
      flat.add(s.ofOneVector());
    }
    return new FusedPart(flat, stateTrees, Collections.nCopies(stateTrees.size(), true), newState);
  }

  /** True when the only stage that needs the global norm comes first, where the norm is that of the gradients. */
  boolean normOnlyFirst() {
    for (int i = 1; i < stages.size(); i++) {
      if (stages.get(i).needsGlobalNorm()) {
        return false;
      }
    }
    return true;
  }
}
