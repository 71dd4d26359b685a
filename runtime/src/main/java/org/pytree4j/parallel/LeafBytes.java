package org.pytree4j.parallel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/** The memory of an INDArray as a ByteBuffer, when it is one contiguous C-order block. */
final class LeafBytes {
  private LeafBytes() {}

  /** The array's bytes (position 0, native order), or null if it is not a plain contiguous block. */
  static ByteBuffer of(INDArray a) {
    long bytes = a.length() * a.dataType().width();
    if (bytes == 0) {
      return ByteBuffer.allocate(0);
    }
    if (a.offset() != 0 || a.data().offset() != 0 || a.ordering() != 'c' || !Shape.hasDefaultStridesForShape(a)) {
      return null;
    }
    ByteBuffer nio = a.data().asNio();
    if (nio == null || nio.capacity() < bytes) {
      return null;
    }
    return nio.duplicate().position(0).limit((int) bytes).slice().order(ByteOrder.nativeOrder());
  }
}
