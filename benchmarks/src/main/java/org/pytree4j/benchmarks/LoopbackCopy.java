package org.pytree4j.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The floor of an all-reduce over loopback: plain TCP moving the same bytes between two peers in
 * this JVM, from direct buffers, with nothing else done. {@link #oneWay} sends the buffer from A to
 * B (B answers one byte so the time covers delivery); {@link #exchange} has A and B send their
 * buffers to each other at the same time, which is exactly the traffic of a two-rank ring
 * all-reduce (each rank sends and receives the whole buffer, half in each phase).
 */
final class LoopbackCopy implements AutoCloseable {
  private final SocketChannel a;
  private final SocketChannel b;

  LoopbackCopy() throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      a = SocketChannel.open(listener.getLocalAddress());
      b = listener.accept();
      a.setOption(StandardSocketOptions.TCP_NODELAY, true);
      b.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }
  }

  /** A sends {@code out} to B, which reads it into {@code in} and acknowledges with one byte. */
  void oneWay(ByteBuffer out, ByteBuffer in) throws Exception {
    Thread receiver = new Thread(() -> {
      try {
        in.clear();
        while (in.hasRemaining()) {
          b.read(in);
        }
        b.write(ByteBuffer.wrap(new byte[] {1}));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    receiver.start();
    out.clear();
    while (out.hasRemaining()) {
      a.write(out);
    }
    ByteBuffer ack = ByteBuffer.allocate(1);
    while (ack.hasRemaining()) {
      a.read(ack);
    }
    receiver.join();
  }

  /** A and B each send their buffer to the other at once (non-blocking, one selector per side, one thread per side). */
  void exchange(ByteBuffer aOut, ByteBuffer aIn, ByteBuffer bOut, ByteBuffer bIn) throws Exception {
    Thread peer = new Thread(() -> {
      try {
        duplex(b, bOut, bIn);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    peer.start();
    duplex(a, aOut, aIn);
    peer.join();
  }

  private static void duplex(SocketChannel channel, ByteBuffer out, ByteBuffer in) throws IOException {
    out.clear();
    in.clear();
    channel.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      SelectionKey key = channel.register(selector, 0);
      while (out.hasRemaining() || in.hasRemaining()) {
        key.interestOps((out.hasRemaining() ? SelectionKey.OP_WRITE : 0) | (in.hasRemaining() ? SelectionKey.OP_READ : 0));
        selector.select();
        selector.selectedKeys().clear();
        if (in.hasRemaining()) {
          channel.read(in);
        }
        if (out.hasRemaining()) {
          channel.write(out);
        }
      }
      key.cancel();
      selector.selectNow();
    }
    channel.configureBlocking(true);
  }

  @Override
  public void close() throws IOException {
    a.close();
    b.close();
  }
}
