package org.pytree4j.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

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
        || (array.dataType() == DataType.FLOAT && array.ordering() == 'c' && array.length() == shape.length()
            && java.util.Arrays.equals(array.shape(), shape.shape()) && Shape.hasDefaultStridesForShape(array));
    // a view's buffer reports its base address; offset() counts elements from it
    return contiguous ? array.data().address() + 4L * array.offset() : -1;
  }
}
