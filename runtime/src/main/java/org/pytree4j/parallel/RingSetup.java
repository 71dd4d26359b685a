package org.pytree4j.parallel;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * Joining a ring: connect to the next rank and say who we are (magic, session, rank, size); accept
 * the previous rank's connection, refusing any that does not say the expected thing.
 */
final class RingSetup {
  private static final int MAGIC = 0x50543452;   // "PT4R"
  private static final int HELLO_BYTES = 4 + 8 + 4 + 4;

  private RingSetup() {}

  /** Connects to rank {@code rank + 1}, accepts rank {@code rank - 1}, within the timeout. */
  static RingTransport join(int rank, List<InetSocketAddress> addresses, ServerSocketChannel listener,
      long session, Duration timeout) {
    int size = addresses.size();
    Call setup = Call.start("connect", 0, rank, timeout);
    if (size == 1) {
      try {
        return RingTransport.single(rank);
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
      return RingTransport.between(rank, size, left, right);
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
      } catch (SocketTimeoutException e) {
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

  private static void sleep(long ms, Call call) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw call.failed("interrupted", e);
    }
  }

  static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing
      }
    }
  }
}
