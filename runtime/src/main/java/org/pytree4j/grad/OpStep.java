package org.pytree4j.grad;

import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J op with its inputs, outputs and arguments preset in an op context: running it is one call
 * into ND4J, with no lookup, shape inference or allocation. On the CPU backend a custom op goes straight
 * to libnd4j's {@code execCustomOp2} ({@link DirectExec}: the call ND4J's executioner makes, without its
 * per-call profiling hooks, workspace checks and copy of the output list); a legacy op goes through the
 * executioner.
 */
final class OpStep extends PlanStep {
  private final Object op;
  private final OpContext context;
  private final boolean custom;
  private final long hash;

  OpStep(String name, Object op, OpContext context, int threads) {
    super(name, threads);
    this.op = op;
    this.context = context;
    this.custom = op instanceof CustomOp;
    this.hash = custom ? ((CustomOp) op).opHash() : 0;
  }

  @Override
  boolean isMatrixProduct() {
    return custom && ((CustomOp) op).opName().startsWith("matmul");
  }

  @Override
  void run() {
    if (custom && DirectExec.AVAILABLE) {
      DirectExec.exec(hash, context, this);
    } else if (custom) {
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
