package org.pytree4j.parallel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One rank of a {@link TcpRing}: a connection from the previous rank ({@code left}) and one to the
 * next ({@code right}), both non-blocking on one selector, so that a rank sends and receives at
 * the same time (two ranks each writing a large chunk before reading would otherwise deadlock once
 * the socket buffers fill).
 */
final class RingTransport implements Transport {
  private final int rank;
  private final int size;
  private final SocketChannel left;
  private final SocketChannel right;
  private final Selector selector;
  private final SelectionKey leftKey;
  private final SelectionKey rightKey;
  private ByteBuffer scratch;

  static RingTransport single(int rank) throws IOException {
    return new RingTransport(rank, 1, null, null);
  }

  static RingTransport between(int rank, int size, SocketChannel left, SocketChannel right) throws IOException {
    return new RingTransport(rank, size, left, right);
  }

  private RingTransport(int rank, int size, SocketChannel left, SocketChannel right) throws IOException {
    this.rank = rank;
    this.size = size;
    this.left = left;
    this.right = right;
    if (size > 1) {
      this.selector = Selector.open();
      left.configureBlocking(false);
      right.configureBlocking(false);
      this.leftKey = left.register(selector, 0);
      this.rightKey = right.register(selector, 0);
    } else {
      this.selector = null;
      this.leftKey = null;
      this.rightKey = null;
    }
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return size;
  }

  private int leftRank() {
    return (rank - 1 + size) % size;
  }

  private int rightRank() {
    return (rank + 1) % size;
  }

  private int mod(int i) {
    return ((i % size) + size) % size;
  }

  @Override
  public byte[][] allGather(byte[] mine, Call call) {
    byte[][] items = new byte[size][];
    items[rank] = mine;
    for (int s = 0; s < size - 1; s++) {
      RingReceiver.Framed in = new RingReceiver.Framed();
      exchange(frame(items[mod(rank - s)]), in, call);
      items[mod(rank - s - 1)] = in.bytes();
    }
    return items;
  }

  @Override
  public byte[] broadcast(byte[] mine, Call call) {
    if (size == 1) {
      return mine;
    }
    if (rank == 0) {
      exchange(frame(mine), null, call);
      return mine;
    }
    RingReceiver.Framed in = new RingReceiver.Framed();
    exchange(null, in, call);
    if (rightRank() != 0) {
      exchange(frame(in.bytes()), null, call);
    }
    return in.bytes();
  }

  @Override
  public void allReduceSum(ByteBuffer data, DataType dtype, Call call) {
    if (size == 1) {
      return;
    }
    int width = FloatKernels.bytesPer(dtype);
    int elements = data.limit() / width;
    // reduce-scatter: after step s, chunk (rank - s - 1) holds the sum of s + 2 ranks' values
    for (int s = 0; s < size - 1; s++) {
      int sendChunk = mod(rank - s);
      int recvChunk = mod(rank - s - 1);
      int from = start(recvChunk, elements);
      int count = start(recvChunk + 1, elements) - from;
      exchange(region(data, sendChunk, elements, width), new RingReceiver.Adding(scratch(count * width), data, from * width, dtype),
          call);
    }
    // all-gather: chunk (rank + 1) is complete here; pass the complete chunks around
    for (int s = 0; s < size - 1; s++) {
      exchange(region(data, mod(rank + 1 - s), elements, width), new RingReceiver.Fixed(region(data, mod(rank - s), elements, width)),
          call);
    }
  }

  private int start(int chunk, int elements) {
    return (int) ((long) chunk * elements / size);
  }

  private ByteBuffer region(ByteBuffer data, int chunk, int elements, int width) {
    int from = start(chunk, elements) * width;
    int to = start(chunk + 1, elements) * width;
    return data.duplicate().position(from).limit(to).slice();
  }

  private ByteBuffer scratch(int bytes) {
    if (scratch == null || scratch.capacity() < bytes) {
      scratch = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    return scratch.duplicate().position(0).limit(bytes).slice().order(ByteOrder.nativeOrder());
  }

  private static ByteBuffer frame(byte[] bytes) {
    return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
  }

  /**
   * Sends {@code send} to the right while receiving from the left, until both are done or the
   * deadline. Reads and writes as long as they make progress, and waits on the selector only when
   * neither does.
   */
  private void exchange(ByteBuffer send, RingReceiver receive, Call call) {
    try {
      while (true) {
        boolean progress = false;
        boolean receiving = receive != null && !receive.done();
        if (receiving) {
          int n;
          try {
            n = left.read(receive.buffer());
          } catch (IOException e) {
            throw lost(leftRank(), call, e);
          }
          if (n < 0) {
            throw lost(leftRank(), call, null);
          }
          if (n > 0) {
            receive.received();
            progress = true;
          }
        }
        boolean sending = send != null && send.hasRemaining();
        if (sending) {
          try {
            progress |= right.write(send) > 0;
          } catch (IOException e) {
            throw lost(rightRank(), call, e);
          }
        }
        sending = send != null && send.hasRemaining();
        receiving = receive != null && !receive.done();
        if (!sending && !receiving) {
          return;
        }
        long remaining = call.remainingNanos();
        if (remaining <= 0) {
          throw call.timedOut(receiving
              ? "waiting for rank " + leftRank() + " to send (" + receive.buffer().position() + " of "
                  + receive.buffer().limit() + " bytes of this part arrived)"
              : "waiting for rank " + rightRank() + " to receive (" + send.remaining() + " bytes not yet sent)");
        }
        if (!progress) {
          rightKey.interestOps(sending ? SelectionKey.OP_WRITE : 0);
          leftKey.interestOps(receiving ? SelectionKey.OP_READ : 0);
          selector.select(Math.max(1, remaining / 1_000_000));
          selector.selectedKeys().clear();
          if (Thread.currentThread().isInterrupted()) {
            throw call.failed("interrupted", new InterruptedException());
          }
        }
      }
    } catch (IOException e) {
      throw call.failed(e.toString(), e);
    }
  }

  private static CollectiveException lost(int peer, Call call, IOException e) {
    return new CollectiveException(call.describe() + " failed on rank " + call.rank() + ": rank " + peer
        + " closed its connection" + (e == null ? "" : " (" + e.getMessage() + ")")
        + "; it failed, was stopped, or closed its collective", e);
  }

  @Override
  public void close() {
    RingSetup.closeQuietly(selector);
    RingSetup.closeQuietly(left);
    RingSetup.closeQuietly(right);
  }

  @Override
  public String toString() {
    return "TCP ring";
  }
}
