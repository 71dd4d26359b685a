package org.pytree4j.grad;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Mean;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;

/**
 * The custom op ({@code reduce_sum}, {@code reduce_mean}) equivalent to a legacy reduction SameDiff
 * keeps in its graph ({@code sum}, {@code mean}): libnd4j's custom op runs the same reduction kernel
 * over the same dimensions, so the same bits, but as a custom op it runs through {@link DirectExec},
 * while for the legacy op ND4J's executioner builds the dimension and TAD buffers anew on every call (30
 * to 100 us of Java work, and of deallocation on ND4J's deallocator thread, for a 128x10 sum here; the
 * tiny model's whole gradient call takes about 100 us). {@code PlanMatchesSameDiffTest} checks the bits.
 */
final class LegacyReductions {
  private LegacyReductions() {}

  /** The equivalent custom op of {@code op}, reducing an input of rank {@code rank}, or null. */
  static DynamicCustomOp customOf(DifferentialFunction op, int rank) {
    String name;
    if (op.getClass() == Sum.class) {
      name = "reduce_sum";
    } else if (op.getClass() == Mean.class) {
      name = "reduce_mean";
    } else {
      return null;
    }
    BaseReduceOp reduce = (BaseReduceOp) op;
    if (reduce.isComplexAccumulation()) {
      return null;
    }
    int[] dims = reduce.getDimensions();
    long[] axes;
    if (dims == null || dims.length == 0 || dims.length == 1 && dims[0] == Integer.MAX_VALUE) {
      axes = new long[0];   // every dimension
    } else {
      axes = new long[dims.length];
      for (int i = 0; i < dims.length; i++) {
        axes[i] = dims[i] < 0 ? dims[i] + rank : dims[i];
        if (axes[i] < 0 || axes[i] >= rank) {
          return null;
        }
      }
    }
    DynamicCustomOp custom = DynamicCustomOp.builder(name).addBooleanArguments(reduce.isKeepDims()).build();
    for (long axis : axes) {
      custom.addIArgument(axis);
    }
    return custom;
  }
}
