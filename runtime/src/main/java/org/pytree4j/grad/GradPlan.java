package org.pytree4j.grad;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The loss and gradient computation of one graph, traced once for one batch size: the ops that the
 * requested outputs need, in the order they run, each with its inputs and outputs preset
 * ({@link PlanStep}), and every intermediate array allocated once and reused by every call. A call
 * binds the params and batch arrays, binds the arrays the gradients are to be written into, and runs
 * the steps; nothing else happens per call.
 *
 * <p>Made by {@link PlanBuilder}; its results are bit-identical to SameDiff's
 * {@code calculateGradients} on the same graph. Not thread-safe: {@link ValueAndGradFn} serializes calls.
 */
final class GradPlan {
  private final PlanStep[] steps;
  private final PlanValue[] params;
  private final PlanValue[] placeholders;
  private final PlanValue loss;
  private final PlanValue[] aux;
  private final GradTargets grads;
  private final int blasThreads;
  private final java.util.Map<String, PlanValue> values;

  GradPlan(List<PlanStep> steps, List<PlanValue> params, List<PlanValue> placeholders, PlanValue loss,
      List<PlanValue> aux, GradTargets grads, OpThreads threads, java.util.Map<String, PlanValue> values) {
    this.values = java.util.Map.copyOf(values);
    this.steps = steps.toArray(new PlanStep[0]);
    this.params = params.toArray(new PlanValue[0]);
    this.placeholders = placeholders.toArray(new PlanValue[0]);
    this.loss = loss;
    this.aux = aux.toArray(new PlanValue[0]);
    this.grads = grads;
    int blas = 1;
    for (PlanStep step : steps) {
      if (step.isMatrixProduct()) {
        blas = Math.max(blas, step.threads());
      }
    }
    this.blasThreads = threads.fixedOr(blas);
  }

  /**
   * Computes the loss and writes the gradients into {@code gradArrays} (one per params leaf, from
   * {@link GradTargets#allocate}).
   *
   * @return the loss array (owned by the plan: read it before the next call)
   */
  INDArray run(List<INDArray> paramArrays, List<INDArray> placeholderArrays, INDArray[] gradArrays) {
    for (int i = 0; i < params.length; i++) {
      if (params[i] != null) {
        params[i].bind(paramArrays.get(i));
      }
    }
    for (int i = 0; i < placeholders.length; i++) {
      if (placeholders[i] != null) {
        placeholders[i].bind(placeholderArrays.get(i));
      }
    }
    grads.bindDirect(gradArrays);
    OpThreads.run(steps, blasThreads);
    grads.copyRest(gradArrays);
    return loss.array();
  }

  /** New arrays for one call's gradients (see {@link GradTargets}). */
  INDArray[] allocateGrads() {
    return grads.allocate();
  }

  /** The arrays of a donated gradient tree, ready to be written again (see {@link GradTargets#reuse}). */
  INDArray[] reuseGrads(INDArray[] donated) {
    return grads.reuse(donated);
  }

  /** The arrays of the aux outputs after the last run (owned by the plan: copy them before the next call). */
  java.util.List<INDArray> auxArrays() {
    java.util.List<INDArray> arrays = new java.util.ArrayList<>(aux.length);
    for (PlanValue v : aux) {
      arrays.add(v.array());
    }
    return arrays;
  }

  /** The loss array of the last run. */
  INDArray loss() {
    return loss.array();
  }

  /** The plan's array for a variable of the gradient graph (null if the plan leaves it out), for tests. */
  INDArray valueOf(String variable) {
    PlanValue v = values.get(variable);
    return v == null ? null : v.array();
  }

  java.util.Set<String> variables() {
    return values.keySet();
  }

  int size() {
    return steps.length;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("GradPlan(").append(steps.length).append(" ops:");
    for (PlanStep step : steps) {
      sb.append(' ').append(step);
    }
    return sb.append(')').toString();
  }
}
