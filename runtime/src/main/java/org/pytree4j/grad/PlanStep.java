package org.pytree4j.grad;

import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One op of a {@link GradPlan} with its inputs, outputs and arguments preset in an op context: running
 * it is one call into ND4J's op executioner, with no lookup, shape inference or allocation.
 */
final class PlanStep {
  private final String name;
  private final Object op;
  private final OpContext context;
  private final boolean custom;
  private final int threads;

  PlanStep(String name, Object op, OpContext context, int threads) {
    this.name = name;
    this.op = op;
    this.context = context;
    this.custom = op instanceof CustomOp;
    this.threads = threads;
  }

  String name() {
    return name;
  }

  OpContext context() {
    return context;
  }

  /** The thread count this op runs with ({@link OpThreads}). */
  int threads() {
    return threads;
  }

  /** True for products that run in OpenBLAS (their threads are OpenBLAS's). */
  boolean isMatrixProduct() {
    return custom && ((CustomOp) op).opName().startsWith("matmul");
  }

  void run() {
    if (custom) {
      Nd4j.getExecutioner().exec((CustomOp) op, context);
    } else {
      Nd4j.getExecutioner().exec((Op) op, context);
    }
  }

  @Override
  public String toString() {
    return name + " (" + (custom ? ((CustomOp) op).opName() : ((Op) op).opName()) + ")";
  }
}
