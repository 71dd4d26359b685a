package org.pytree4j.optim.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Where a float32 leaf's elements lie in native memory, when they lie there contiguously in C order. */
final class LeafMemory {
  private LeafMemory() {}

  /**
   * The address of element 0 of {@code array}, whose elements follow it contiguously in C order, or
   * -1 when they do not (then read a C-order copy). {@code shape} is the descriptor the array must
   * have; the common case (the cached descriptor itself) is decided by one comparison.
   */
  static long address(INDArray array, ArrayShells.ShapeInfo shape) {
    boolean contiguous = shape.describes(array)
        || (array.dataType() == DataType.FLOAT && array.length() == shape.length()
            && java.util.Arrays.equals(array.shape(), shape.shape()) && inCOrder(array.shape(), array.stride()));
    // a view's buffer reports its base address; offset() counts elements from it
    return contiguous ? array.data().address() + 4L * array.offset() : -1;
  }

  /**
   * True when strides {@code stride} lay out {@code shape} contiguously in C order, whatever order
   * ND4J reports: it calls a vector sliced from a vector 'f', and the stride of a dimension of size 1
   * is never used.
   */
  static boolean inCOrder(long[] shape, long[] stride) {
    long expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1 && stride[d] != expected) {
        return false;
      }
      expected *= shape[d];
    }
    return true;
  }
}
