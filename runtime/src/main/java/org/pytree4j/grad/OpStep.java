package org.pytree4j.grad;

import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J op with its inputs, outputs and arguments preset in an op context: running it is one call
 * into ND4J's op executioner, with no lookup, shape inference or allocation.
 */
final class OpStep extends PlanStep {
  private final Object op;
  private final OpContext context;
  private final boolean custom;

  OpStep(String name, Object op, OpContext context, int threads) {
    super(name, threads);
    this.op = op;
    this.context = context;
    this.custom = op instanceof CustomOp;
  }

  @Override
  boolean isMatrixProduct() {
    return custom && ((CustomOp) op).opName().startsWith("matmul");
  }

  @Override
  void run() {
    if (custom) {
      Nd4j.getExecutioner().exec((CustomOp) op, context);
    } else {
      Nd4j.getExecutioner().exec((Op) op, context);
    }
  }

  @Override
  public String toString() {
    return name() + " (" + (custom ? ((CustomOp) op).opName() : ((Op) op).opName()) + ")";
  }
}
