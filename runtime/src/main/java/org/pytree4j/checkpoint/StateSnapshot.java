package org.pytree4j.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.pytree4j.serialization.Serialization;

/**
 * A state serialized into memory at the moment of an asynchronous save, so the background write
 * sees exactly that state even if its arrays are changed or donated meanwhile. The bytes are those
 * of {@link Serialization#write}, held in 1 MiB blocks (no 2 GiB limit, no copy to grow).
 */
final class StateSnapshot extends OutputStream {
  private static final int BLOCK_BYTES = 1 << 20;

  private final List<byte[]> blocks = new ArrayList<>();
  private byte[] block;
  private int filled;
  private long length;

  private StateSnapshot() {}

  /** Serializes {@code state}; throws as {@link Serialization#write} does, before anything is written. */
  static StateSnapshot of(Object state) {
    StateSnapshot snapshot = new StateSnapshot();
    try {
      Serialization.write(state, snapshot);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // writing to memory does not fail
    }
    return snapshot;
  }

  long length() {
    return length;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      if (block == null || filled == block.length) {
        block = new byte[BLOCK_BYTES];
        blocks.add(block);
        filled = 0;
      }
      int n = Math.min(len, block.length - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      length += n;
    }
  }

  /** Writes the snapshot's bytes to {@code out}. */
  void writeTo(OutputStream out) throws IOException {
    long left = length;
    for (byte[] b : blocks) {
      int n = (int) Math.min(b.length, left);
      out.write(b, 0, n);
      left -= n;
    }
  }
}
