package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;

/**
 * One array of a {@link GradPlan}: a graph variable's value, and every op-context slot that reads or
 * writes it. Params, placeholders and gradients are rebound on every call ({@link #bind}); every other
 * value keeps the array allocated when the plan was traced. Variables that SameDiff passes through
 * unchanged (identity) share one PlanValue.
 */
final class PlanValue {
  private final String name;
  private INDArray array;
  private final List<OpContext> contexts = new ArrayList<>();
  private final List<Integer> indices = new ArrayList<>();   // >= 0: input index; < 0: -(output index) - 1
  private PlanStep producer;

  PlanValue(String name, INDArray array) {
    this.name = name;
    this.array = array;
  }

  String name() {
    return name;
  }

  INDArray array() {
    return array;
  }

  /** The step writing this value, or null for params, placeholders, constants and folded values. */
  PlanStep producer() {
    return producer;
  }

  void producedBy(PlanStep step) {
    producer = step;
  }

  void readBy(OpContext context, int input) {
    contexts.add(context);
    indices.add(input);
  }

  void writtenBy(OpContext context, int output) {
    contexts.add(context);
    indices.add(-output - 1);
  }

  /** Points every slot of this value at {@code newArray} (same shape and data type). */
  void bind(INDArray newArray) {
    if (newArray == array) {
      return;
    }
    array = newArray;
    for (int i = 0; i < contexts.size(); i++) {
      int index = indices.get(i);
      if (index >= 0) {
        contexts.get(i).setInputArray(index, newArray);
      } else {
        contexts.get(i).setOutputArray(-index - 1, newArray);
      }
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
