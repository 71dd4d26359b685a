package org.pytree4j.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.pytree4j.serialization.Serialization;

/**
 * A state serialized into memory at the moment of an asynchronous save, so the background write
 * sees exactly that state even if its arrays are changed or donated meanwhile. The bytes are those
 * of {@link Serialization#write}, held in 256 KiB blocks (no 2 GiB limit, no copy to grow, and small
 * enough that the garbage collector never treats one as a humongous object). Allocating the blocks
 * costs more than filling them, so the blocks of one save are handed to the next.
 */
final class StateSnapshot extends OutputStream {
  private static final int BLOCK_BYTES = 256 << 10;

  private final List<byte[]> blocks = new ArrayList<>();
  private final List<byte[]> spare;
  private byte[] block;
  private int filled;
  private long length;

  private StateSnapshot(List<byte[]> spare) {
    this.spare = spare;
  }

  /**
   * Serializes {@code state}, taking blocks from {@code spare} (the blocks of an earlier snapshot)
   * before allocating; throws as {@link Serialization#write} does, before anything is written.
   */
  static StateSnapshot of(Object state, List<byte[]> spare) {
    StateSnapshot snapshot = new StateSnapshot(spare);
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
        block = spare.isEmpty() ? new byte[BLOCK_BYTES] : spare.remove(spare.size() - 1);
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

  /** The blocks, for the next snapshot to fill; this one must not be used afterwards. */
  List<byte[]> release() {
    List<byte[]> released = new ArrayList<>(blocks);
    blocks.clear();
    return released;
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
