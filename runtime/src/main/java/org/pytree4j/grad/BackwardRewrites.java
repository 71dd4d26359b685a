package org.pytree4j.grad;

import java.util.Arrays;
import java.util.List;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LogSoftMaxDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cheaper equivalents of SameDiff's backward ops, each computing exactly what libnd4j's op computes
 * (the same kernel on the same inputs, or the same float operations in the same order), for the
 * outputs that are read:
 *
 * <ul>
 *   <li>{@code matmul_bp} when only one of its two gradients is read (the other is usually the gradient
 *       of the input batch): the one {@code matmul} libnd4j's op runs for it;
 *   <li>{@code add_bp} of a bias add: the gradient of the unbroadcast side is the incoming gradient itself
 *       (no copy), the bias gradient its column sums ({@link KernelStep#columnSum}, summed in libnd4j's
 *       order), in the pass of {@code tanh_bp} when that computes the incoming gradient;
 *   <li>{@code multiply_bp} of same-shape arrays: only the products that are read (the labels' gradient
 *       of a cross-entropy never is);
 *   <li>{@code log_softmax_bp} of a float32 matrix along its rows: libnd4j's operations in one native
 *       call ({@link KernelStep#logSoftmaxBackward});
 *   <li>{@code tanh_bp}: libnd4j recomputes {@code th = tanh(x)} and returns {@code g * (1 - th * th)};
 *       the forward pass already holds {@code tanh(x)} (the same function of the same input), so the
 *       plan computes {@code g * (1 - y * y)} from it without the second, expensive tanh, in one pass
 *       ({@link KernelStep#tanhBackward}).
 * </ul>
 *
 * Any other case keeps SameDiff's op as it is.
 */
final class BackwardRewrites {
  private BackwardRewrites() {}

  /** Adds the replacement of {@code op} to the plan and returns true, or returns false to keep the op. */
  static boolean apply(PlanBuilder plan, DifferentialFunction op, List<String> inputs, List<String> outputs,
      boolean[] needed) {
    if (op instanceof MmulBp) {
      return matmulBp(plan, (DynamicCustomOp) op, inputs, outputs, needed);
    }
    if (op instanceof AddBpOp) {
      return addBp(plan, inputs, outputs, needed);
    }
    if (op instanceof MulBpOp) {
      return mulBp(plan, inputs, outputs, needed);
    }
    if (op instanceof TanhDerivative) {
      return tanhBp(plan, op.getOwnName(), inputs, outputs);
    }
    if (op instanceof LogSoftMaxDerivative logSoftmax) {
      return logSoftmaxBp(plan, op.getOwnName(), logSoftmax.iArgs(), inputs, outputs);
    }
    return false;
  }

  /** log_softmax_bp(x, g) of a float32 matrix along its rows: {@link KernelStep#logSoftmaxBackward}. */
  private static boolean logSoftmaxBp(PlanBuilder plan, String name, long[] iArgs, List<String> inputs,
      List<String> outputs) {
    if (inputs.size() != 2 || outputs.size() != 1 || !NativeLogSoftmax.AVAILABLE) {
      return false;
    }
    INDArray x = array(plan, inputs.get(0));
    INDArray g = array(plan, inputs.get(1));
    if (!NativeLogSoftmax.fits(x, iArgs) || !Arrays.equals(x.shape(), g.shape()) || !KernelStep.fits(x, g)
        || plan.typeOf(outputs.get(0)) != DataType.FLOAT) {
      return false;
    }
    PlanValue xv = plan.value(inputs.get(0));
    PlanValue gv = plan.value(inputs.get(1));
    plan.addKernel(out -> KernelStep.logSoftmaxBackward(name + " (log_softmax_bp kernel)", xv, gv, out), inputs,
        outputs.get(0), Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c'));
    return true;
  }

  /** matmul_bp(x, y, g): dx = matmul(g, y, [tZ, !tY, tX]), dy = matmul(x, g, [!tX, tZ, tY]). */
  private static boolean matmulBp(PlanBuilder plan, DynamicCustomOp op, List<String> inputs, List<String> outputs,
      boolean[] needed) {
    if (needed[0] == needed[1] || inputs.size() != 3) {
      return false;
    }
    INDArray x = array(plan, inputs.get(0));
    INDArray y = array(plan, inputs.get(1));
    INDArray g = array(plan, inputs.get(2));
    if (g.isScalar() || g.rank() < 2 || x.rank() != 2 || y.rank() != 2 || op.tArgs().length > 0) {
      return false;   // libnd4j's scalar special case, batched products, alpha/beta
    }
    long[] i = op.iArgs();
    long tX = i.length > 0 ? i[0] : 0;
    long tY = i.length > 1 ? i[1] : 0;
    long tZ = i.length > 2 ? i[2] : 0;
    if (needed[0]) {
      plan.emitCustom(op.getOwnName() + "/dx", DynamicCustomOp.builder("matmul").build(), List.of(inputs.get(2), inputs.get(1)),
          new long[] {tZ, 1 - tY, tX}, outputs.get(0), plan.typeOf(outputs.get(0)));
      return sameShape(plan, outputs.get(0), x);
    }
    plan.emitCustom(op.getOwnName() + "/dy", DynamicCustomOp.builder("matmul").build(), List.of(inputs.get(0), inputs.get(2)),
        new long[] {1 - tX, tZ, tY}, outputs.get(1), plan.typeOf(outputs.get(1)));
    return sameShape(plan, outputs.get(1), y);
  }

  /** add_bp(x, y, g) where g has x's shape and y is a vector along g's last dimension (a bias). */
  private static boolean addBp(PlanBuilder plan, List<String> inputs, List<String> outputs, boolean[] needed) {
    INDArray x = array(plan, inputs.get(0));
    INDArray y = array(plan, inputs.get(1));
    INDArray g = array(plan, inputs.get(2));
    boolean xFull = Arrays.equals(x.shape(), g.shape());
    boolean yFull = Arrays.equals(y.shape(), g.shape());
    boolean yBias = g.rank() == 2 && y.rank() == 1 && y.length() == g.size(1) && g.size(0) > 1;
    if (!xFull || !(yFull || yBias) || x.dataType() != g.dataType() || y.dataType() != g.dataType()) {
      return false;
    }
    PlanValue gradient = plan.value(inputs.get(2));
    if (needed[0]) {
      plan.alias(outputs.get(0), gradient);
    }
    if (needed[1]) {
      if (yFull) {
        plan.alias(outputs.get(1), gradient);
      } else if (KernelStep.fits(g, y)) {
        PlanValue gv = plan.value(inputs.get(2));
        if (gv.producer() instanceof KernelStep.TanhBackward tanh && tanh.output() == gv
            && plan.addColumnSums(tanh, outputs.get(1), Nd4j.createUninitialized(g.dataType(), y.shape(), 'c')) != null) {
          return true;   // the bias of a layer before a tanh: its column sums come from tanh_bp's pass
        }
        plan.addKernel(out -> KernelStep.columnSum(outputs.get(1) + "/colsum", gv, out), List.of(inputs.get(2)),
            outputs.get(1), Nd4j.createUninitialized(g.dataType(), y.shape(), 'c'));
      } else {
        plan.emitCustom(outputs.get(1) + "/colsum", DynamicCustomOp.builder("reduce_sum").build(),
            List.of(inputs.get(2)), new long[] {0}, outputs.get(1), g.dataType());
      }
    }
    return true;
  }

  /** multiply_bp(x, y, g) of same-shape x and y: dx = g * y, dy = g * x. */
  private static boolean mulBp(PlanBuilder plan, List<String> inputs, List<String> outputs, boolean[] needed) {
    INDArray x = array(plan, inputs.get(0));
    INDArray y = array(plan, inputs.get(1));
    INDArray g = array(plan, inputs.get(2));
    if (!Arrays.equals(x.shape(), y.shape()) || !Arrays.equals(x.shape(), g.shape())
        || x.dataType() != g.dataType() || y.dataType() != g.dataType()) {
      return false;
    }
    if (needed[0]) {
      plan.emitCustom(outputs.get(0) + "/mul", new MulOp(), List.of(inputs.get(2), inputs.get(1)), new long[0],
          outputs.get(0), plan.typeOf(outputs.get(0)));
    }
    if (needed[1]) {
      plan.emitCustom(outputs.get(1) + "/mul", new MulOp(), List.of(inputs.get(2), inputs.get(0)), new long[0],
          outputs.get(1), plan.typeOf(outputs.get(1)));
    }
    return true;
  }

  /** tanh_bp(x, g) = g * (1 - th * th), th = tanh(x): from the forward pass's tanh(x). */
  private static boolean tanhBp(PlanBuilder plan, String name, List<String> inputs, List<String> outputs) {
    PlanValue th = plan.tanhOf(plan.value(inputs.get(0)));
    INDArray g = array(plan, inputs.get(1));
    if (th == null || !Arrays.equals(th.array().shape(), g.shape()) || th.array().dataType() != g.dataType()) {
      return false;
    }
    if (KernelStep.fits(th.array(), g)) {
      PlanValue gv = plan.value(inputs.get(1));
      plan.addKernel(out -> KernelStep.tanhBackward(name + "/g*(1-th*th)", th, gv, out),
          List.of(th.name(), inputs.get(1)), outputs.get(0), Nd4j.createUninitialized(g.dataType(), g.shape(), 'c'));
      return true;
    }
    String squared = outputs.get(0) + "/th*th";
    String oneMinus = outputs.get(0) + "/1-th*th";
    plan.emitCustom(name + "/th*th", new MulOp(), List.of(th.name(), th.name()), new long[0], squared, g.dataType());
    plan.emitLegacy(name + "/1-th*th", new ScalarReverseSubtraction(g, 1.0), List.of(squared), g.shape(), oneMinus,
        g.dataType());
    plan.emitCustom(name + "/g*(1-th*th)", new MulOp(), List.of(inputs.get(1), oneMinus), new long[0], outputs.get(0),
        plan.typeOf(outputs.get(0)));
    return true;
  }

  private static INDArray array(PlanBuilder plan, String name) {
    return plan.value(name).array();
  }

  private static boolean sameShape(PlanBuilder plan, String name, INDArray like) {
    if (!Arrays.equals(plan.value(name).array().shape(), like.shape())) {
      throw new UnsupportedPlanException("matmul_bp's gradient " + name + " has shape "
          + Arrays.toString(plan.value(name).array().shape()) + ", not " + Arrays.toString(like.shape()));
    }
    return true;
  }
}
