package org.pytree4j.serialization;

import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves the row-major bytes of ND4J arrays in and out of off-heap memory through a reusable heap
 * buffer, so arrays of any size stream without a second full copy. ND4J keeps data in native byte
 * order, which on every supported platform is numpy's little-endian.
 */
final class ArrayMemory {
  static final int COPY_BUFFER_BYTES = 1 << 20;

  private ArrayMemory() {}

  /** Receives a run of bytes. */
  interface Sink {
    void accept(byte[] buffer, int length) throws java.io.IOException;
  }

  /** Fills a buffer with the next run of bytes. */
  interface Source {
    void fill(byte[] buffer, int length) throws java.io.IOException;
  }

  static void requireLittleEndian() {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException(
          "Flax's msgpack format stores numpy arrays in little-endian order; this platform is big-endian");
    }
  }

  /** The array itself when it is a dense C-order buffer of its own, otherwise a C-order copy. */
  static INDArray rowMajor(INDArray array) {
    boolean dense = !array.isView()
        && array.ordering() == 'c'
        && (array.isEmpty() || array.data().length() == array.length());
    return dense ? array : array.dup('c');
  }

  /** Streams {@code byteCount} bytes of a {@link #rowMajor} array, starting at {@code byteOffset}. */
  static void copyOut(INDArray rowMajor, long byteOffset, long byteCount, byte[] buffer, Sink sink)
      throws java.io.IOException {
    if (byteCount == 0) {
      return;
    }
    requireLittleEndian();
    BytePointer source = new BytePointer(rowMajor.data().addressPointer());
    for (long done = 0; done < byteCount; ) {
      int length = (int) Math.min(buffer.length, byteCount - done);
      source.position(byteOffset + done).get(buffer, 0, length);
      sink.accept(buffer, length);
      done += length;
    }
  }

  /** A new C-order array of {@code dtype} and {@code shape} filled from {@code source}. */
  static INDArray copyIn(NumpyDtype dtype, long[] shape, long byteCount, byte[] buffer, Source source)
      throws java.io.IOException {
    INDArray array = outsideWorkspaces(() -> Nd4j.createUninitialized(dtype.dataType, shape));
    if (byteCount == 0) {
      return array;
    }
    requireLittleEndian();
    BytePointer target = new BytePointer(array.data().addressPointer());
    for (long done = 0; done < byteCount; ) {
      int length = (int) Math.min(buffer.length, byteCount - done);
      source.fill(buffer, length);
      target.position(done).put(buffer, 0, length);
      done += length;
    }
    return array;
  }

  /**
   * {@link #copyIn} for a source whose length is not known to hold {@code byteCount} bytes (a
   * stream): the bytes are gathered on the heap in blocks as they arrive and the array is allocated
   * only once they all have, so a header claiming more bytes than come allocates no more than came.
   * The peak is twice the array's size.
   */
  static INDArray copyInAsItArrives(NumpyDtype dtype, long[] shape, long byteCount, byte[] buffer, Source source)
      throws java.io.IOException {
    java.util.List<byte[]> blocks = new java.util.ArrayList<>();
    for (long done = 0; done < byteCount; ) {
      int length = (int) Math.min(buffer.length, byteCount - done);
      byte[] block = new byte[length];
      source.fill(block, length);
      blocks.add(block);
      done += length;
    }
    java.util.Iterator<byte[]> next = blocks.iterator();
    return copyIn(dtype, shape, byteCount, buffer, (chunk, length) -> {
      byte[] block = next.next();
      System.arraycopy(block, 0, chunk, 0, length);
    });
  }

  /**
   * Runs {@code create} outside any active ND4J workspace: restored arrays outlive the caller's
   * workspace scope.
   */
  static INDArray outsideWorkspaces(java.util.function.Supplier<INDArray> create) {
    MemoryWorkspace scope = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
    try {
      return create.get();
    } finally {
      scope.close();
    }
  }

  /** Copies whole row-major arrays one after another into a new array of {@code shape}. */
  static INDArray concatenate(NumpyDtype dtype, long[] shape, java.util.List<INDArray> parts) {
    INDArray array = outsideWorkspaces(() -> Nd4j.createUninitialized(dtype.dataType, shape));
    BytePointer target = new BytePointer(array.data().addressPointer());
    long offset = 0;
    for (INDArray part : parts) {
      long bytes = part.length() * dtype.itemSize;
      if (bytes > 0) {
        BytePointer source = new BytePointer(rowMajor(part).data().addressPointer());
        org.bytedeco.javacpp.Pointer.memcpy(target.position(offset), source, bytes);
      }
      offset += bytes;
    }
    return array;
  }
}
