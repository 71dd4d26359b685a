package org.pytree4j.optim;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One tree's leaves seen as a single run of float32 elements (leaf 0 first, each in C order), as
 * JAX's {@code ravel_pytree} sees them, whatever memory they live in: pieces of NIO buffers, merged
 * where consecutive leaves sit next to each other (the arrays of one {@link Lease}d slab form a
 * single piece). Blocks are copied between it and scratch arrays with bulk copies.
 */
final class FloatStream {
  private FloatBuffer[] buffers = new FloatBuffer[4];
  private int[] starts = new int[4];
  private int[] offsets = new int[4];
  private int pieces;
  private int length;

  /** A stream over one whole buffer, from its element 0. */
  static FloatStream whole(FloatBuffer buffer, int length) {
    FloatStream s = new FloatStream();
    s.append(buffer, 0, length);
    return s;
  }

  /** Appends {@code length} elements of {@code buffer} from {@code offset}; merges with the last piece when adjacent. */
  void append(FloatBuffer buffer, int offset, int length) {
    if (pieces > 0 && buffers[pieces - 1] == buffer
        && offsets[pieces - 1] + (this.length - starts[pieces - 1]) == offset) {
      this.length += length;
      return;
    }
    if (pieces == buffers.length) {
      buffers = Arrays.copyOf(buffers, pieces * 2);
      starts = Arrays.copyOf(starts, pieces * 2);
      offsets = Arrays.copyOf(offsets, pieces * 2);
    }
    buffers[pieces] = buffer;
    starts[pieces] = this.length;
    offsets[pieces] = offset;
    pieces++;
    this.length += length;
  }

  int length() {
    return length;
  }

  /** Copies elements {@code [from, from + n)} into {@code dst[0, n)}. */
  void read(int from, float[] dst, int n) {
    int piece = pieceOf(from);
    int done = 0;
    while (done < n) {
      int at = from + done;
      int end = piece + 1 < pieces ? starts[piece + 1] : length;
      int count = Math.min(n - done, end - at);
      buffers[piece].get(offsets[piece] + (at - starts[piece]), dst, done, count);
      done += count;
      piece++;
    }
  }

  /** Copies {@code src[0, n)} into elements {@code [from, from + n)}. */
  void write(int from, float[] src, int n) {
    int piece = pieceOf(from);
    int done = 0;
    while (done < n) {
      int at = from + done;
      int end = piece + 1 < pieces ? starts[piece + 1] : length;
      int count = Math.min(n - done, end - at);
      buffers[piece].put(offsets[piece] + (at - starts[piece]), src, done, count);
      done += count;
      piece++;
    }
  }

  private int pieceOf(int index) {
    int i = Arrays.binarySearch(starts, 0, pieces, index);
    if (i >= 0) {
      // empty pieces never occur, so a start belongs to exactly one piece
      return i;
    }
    return -i - 2;
  }
}
