package org.pytree4j.parallel;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One rank of a {@link TcpRing}: a connection from the previous rank ({@code left}) and one to the
 * next ({@code right}), both non-blocking on one selector, so that a rank sends and receives at
 * the same time (two ranks each writing a large chunk before reading would otherwise deadlock once
 * the socket buffers fill).
 */
final class RingTransport implements Transport {
  private static final int MAGIC = 0x50543452;   // "PT4R"
  private static final int HELLO_BYTES = 4 + 8 + 4 + 4;

  private final int rank;
  private final int size;
  private final SocketChannel left;
  private final SocketChannel right;
  private final Selector selector;
  private final SelectionKey leftKey;
  private final SelectionKey rightKey;
  private ByteBuffer scratch;

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

  static RingTransport connect(int rank, List<InetSocketAddress> addresses, ServerSocketChannel listener,
      long session, Duration timeout) {
    int size = addresses.size();
    Call setup = Call.start("connect", 0, rank, timeout);
    if (size == 1) {
      try {
        return new RingTransport(rank, 1, null, null);
      } catch (IOException e) {
        throw setup.failed(e.toString(), e);
      }
    }
    int next = (rank + 1) % size;
    int previous = (rank - 1 + size) % size;
    SocketChannel right = null;
    SocketChannel left = null;
    try {
      right = connectTo(addresses.get(next), next, setup);
      ByteBuffer hello = ByteBuffer.allocate(HELLO_BYTES).putInt(MAGIC).putLong(session).putInt(rank).putInt(size).flip();
      while (hello.hasRemaining()) {
        right.write(hello);
      }
      left = accept(listener, session, previous, size, setup);
      return new RingTransport(rank, size, left, right);
    } catch (IOException e) {
      closeQuietly(left);
      closeQuietly(right);
      throw setup.failed("could not join the ring: " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(left);
      closeQuietly(right);
      throw e;
    }
  }

  private static SocketChannel connectTo(InetSocketAddress address, int peer, Call setup) throws IOException {
    while (true) {
      SocketChannel channel = SocketChannel.open();
      try {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        long ms = Math.max(1, setup.remainingNanos() / 1_000_000);
        channel.socket().connect(address, (int) Math.min(Integer.MAX_VALUE, ms));
        return channel;
      } catch (ConnectException e) {
        channel.close();
        if (setup.remainingNanos() <= 0) {
          throw setup.timedOut("rank " + peer + " at " + address + " refused the connection: " + e.getMessage());
        }
        sleep(20, setup);
      } catch (java.net.SocketTimeoutException e) {
        channel.close();
        throw setup.timedOut("could not connect to rank " + peer + " at " + address);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
  }

  /** Accepts connections until one says it is rank {@code previous} of this session and size. */
  private static SocketChannel accept(ServerSocketChannel listener, long session, int previous, int size, Call setup)
      throws IOException {
    boolean wasBlocking = listener.isBlocking();
    listener.configureBlocking(false);
    try (Selector accepting = Selector.open()) {
      listener.register(accepting, SelectionKey.OP_ACCEPT);
      while (true) {
        long remaining = setup.remainingNanos();
        if (remaining <= 0) {
          throw setup.timedOut("rank " + previous + " did not connect to " + listener.getLocalAddress());
        }
        accepting.select(Math.max(1, remaining / 1_000_000));
        accepting.selectedKeys().clear();
        SocketChannel channel = listener.accept();
        if (channel == null) {
          continue;
        }
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ByteBuffer hello = ByteBuffer.allocate(HELLO_BYTES);
        if (readHello(channel, hello, setup) && hello.getInt(0) == MAGIC && hello.getLong(4) == session
            && hello.getInt(12) == previous && hello.getInt(16) == size) {
          return channel;
        }
        channel.close();   // a stray connection, or another group's
      }
    } finally {
      listener.configureBlocking(wasBlocking);
    }
  }

  private static boolean readHello(SocketChannel channel, ByteBuffer hello, Call setup) throws IOException {
    channel.configureBlocking(false);
    try (Selector reading = Selector.open()) {
      channel.register(reading, SelectionKey.OP_READ);
      while (hello.hasRemaining()) {
        long remaining = setup.remainingNanos();
        if (remaining <= 0) {
          return false;
        }
        reading.select(Math.max(1, remaining / 1_000_000));
        reading.selectedKeys().clear();
        if (channel.read(hello) < 0) {
          return false;
        }
      }
      return true;
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
      Framed in = new Framed();
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
    Framed in = new Framed();
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
      exchange(region(data, sendChunk, elements, width), new Adding(scratch(count * width), data, from * width, dtype),
          call);
    }
    // all-gather: chunk (rank + 1) is complete here; pass the complete chunks around
    for (int s = 0; s < size - 1; s++) {
      exchange(region(data, mod(rank + 1 - s), elements, width), new Fixed(region(data, mod(rank - s), elements, width)),
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

  /** What arrives from the left neighbour, into one buffer or more. */
  private interface Receiver {
    ByteBuffer buffer();

    void received();

    boolean done();
  }

  private static final class Fixed implements Receiver {
    private final ByteBuffer target;

    Fixed(ByteBuffer target) {
      this.target = target;
    }

    @Override
    public ByteBuffer buffer() {
      return target;
    }

    @Override
    public void received() {}

    @Override
    public boolean done() {
      return !target.hasRemaining();
    }
  }

  /** Adds each element into {@code data} as soon as its bytes have arrived. */
  private static final class Adding implements Receiver {
    private final ByteBuffer incoming;
    private final ByteBuffer data;
    private final int dataOffset;
    private final DataType dtype;
    private final int width;
    private int added;

    Adding(ByteBuffer incoming, ByteBuffer data, int dataOffset, DataType dtype) {
      this.incoming = incoming;
      this.data = data;
      this.dataOffset = dataOffset;
      this.dtype = dtype;
      this.width = FloatKernels.bytesPer(dtype);
    }

    @Override
    public ByteBuffer buffer() {
      return incoming;
    }

    @Override
    public void received() {
      int complete = incoming.position() / width;
      if (complete > added) {
        FloatKernels.add(data, dataOffset + added * width, incoming, added * width, complete - added, dtype);
        added = complete;
      }
    }

    @Override
    public boolean done() {
      return !incoming.hasRemaining();
    }
  }

  /** A length-prefixed message. */
  private static final class Framed implements Receiver {
    private final ByteBuffer header = ByteBuffer.allocate(4);
    private ByteBuffer body;

    @Override
    public ByteBuffer buffer() {
      return body != null ? body : header;
    }

    @Override
    public void received() {
      if (body == null && !header.hasRemaining()) {
        int length = header.getInt(0);
        if (length < 0) {
          throw new CollectiveException("corrupt message from the ring: length " + length);
        }
        body = ByteBuffer.allocate(length);
      }
    }

    @Override
    public boolean done() {
      return body != null && !body.hasRemaining();
    }

    byte[] bytes() {
      return body.array();
    }
  }

  /**
   * Sends {@code send} to the right while receiving from the left, until both are done or the
   * deadline. Reads and writes as long as they make progress, and waits on the selector only when
   * neither does.
   */
  private void exchange(ByteBuffer send, Receiver receive, Call call) {
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

  private static void sleep(long ms, Call call) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw call.failed("interrupted", e);
    }
  }

  @Override
  public void close() {
    closeQuietly(selector);
    closeQuietly(left);
    closeQuietly(right);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing
      }
    }
  }

  @Override
  public String toString() {
    return "TCP ring";
  }
}
