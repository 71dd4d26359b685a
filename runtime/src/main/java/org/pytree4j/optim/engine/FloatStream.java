package org.pytree4j.optim.engine;

import java.util.Arrays;
import org.pytree4j.optim.kernels.OffHeap;

/**
 * One tree's leaves seen as a single run of float32 elements (leaf 0 first, each in C order), as
 * JAX's {@code ravel_pytree} sees them, whatever native memory they live in: pieces given by address,
 * merged where consecutive leaves sit next to each other (the arrays of one {@link Lease}d slab form
 * a single piece). Blocks are copied between it and scratch arrays with bulk copies ({@link OffHeap});
 * the caller keeps the memory alive while it uses the stream.
 */
final class FloatStream {
  private long[] addresses = new long[4];
  private int[] starts = new int[4];
  private int pieces;
  private int length;

  /** A stream over {@code length} floats from {@code address}. */
  static FloatStream whole(long address, int length) {
    FloatStream s = new FloatStream();
    s.append(address, length);
    return s;
  }

  /** Appends {@code length} floats from {@code address}; merges with the last piece when adjacent. */
  void append(long address, int length) {
    if (pieces > 0 && addresses[pieces - 1] + 4L * (this.length - starts[pieces - 1]) == address) {
      this.length += length;
      return;
    }
    if (pieces == addresses.length) {
      addresses = Arrays.copyOf(addresses, pieces * 2);
      starts = Arrays.copyOf(starts, pieces * 2);
    }
    addresses[pieces] = address;
    starts[pieces] = this.length;
    pieces++;
    this.length += length;
  }

  int length() {
    return length;
  }

  /** True when the stream is one run of memory from {@code address}. */
  boolean isWhole(long address) {
    return pieces == 1 && addresses[0] == address;
  }

  /** True when some element lies in the native bytes {@code [from, to)}. */
  boolean overlaps(long from, long to) {
    for (int p = 0; p < pieces; p++) {
      long start = addresses[p];
      long end = start + 4L * ((p + 1 < pieces ? starts[p + 1] : length) - starts[p]);
      if (start < to && from < end) {
        return true;
      }
    }
    return false;
  }

  /** A reader and writer for one thread; cheapest when it moves forward. */
  Cursor cursor() {
    return new Cursor();
  }

  /** Copies elements {@code [from, from + n)} into {@code dst[0, n)}. */
  void read(int from, float[] dst, int n) {
    cursor().read(from, dst, n);
  }

  /** Copies {@code src[0, n)} into elements {@code [from, from + n)}. */
  void write(int from, float[] src, int n) {
    cursor().write(from, src, n);
  }

  final class Cursor {
    private int piece;

    void read(int from, float[] dst, int n) {
      copy(from, dst, n, false);
    }

    /** The native address of element {@code index}. */
    long address(int index) {
      seek(index);
      return addresses[piece] + 4L * (index - starts[piece]);
    }

    /** The end of the run of memory that element {@code index} lies in (an element index). */
    int runEnd(int index) {
      seek(index);
      return end(piece);
    }

    void write(int from, float[] src, int n) {
      copy(from, src, n, true);
    }

    /** Copies between elements {@code [from, from + n)} and {@code array[0, n)}, piece by piece. */
    private void copy(int from, float[] array, int n, boolean intoStream) {
      if (n == 0) {
        return;
      }
      check(from, n);
      seek(from);
      int done = 0;
      while (done < n) {
        int at = from + done;
        int count = Math.min(n - done, end(piece) - at);
        long address = addresses[piece] + 4L * (at - starts[piece]);
        if (intoStream) {
          OffHeap.write(array, done, address, count);
        } else {
          OffHeap.read(address, array, done, count);
        }
        done += count;
        if (done < n) {
          piece++;
        }
      }
    }

    private int end(int p) {
      return p + 1 < pieces ? starts[p + 1] : length;
    }

    private void check(int from, int n) {
      if (from < 0 || n < 0 || from + n > length) {
        throw new IndexOutOfBoundsException("[" + from + ", " + (from + n) + ") of " + length);
      }
    }

    private void seek(int index) {
      if (index >= starts[piece] && index < end(piece)) {
        return;
      }
      if (piece + 1 < pieces && index >= starts[piece + 1] && index < end(piece + 1)) {
        piece++;
        return;
      }
      int i = Arrays.binarySearch(starts, 0, pieces, index);
      // empty pieces never occur, so a start belongs to exactly one piece
      piece = i >= 0 ? i : -i - 2;
    }
  }
}
