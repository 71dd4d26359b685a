package org.pytree4j.parallel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * Collectives over TCP between processes (or Spark tasks): each rank connects to the next one in a
 * ring, and all-reduces with the bandwidth-optimal ring algorithm (reduce-scatter, then all-gather),
 * the way Horovod, XGBoost's Rabit and NCCL's ring do. Each rank sends and receives
 * {@code 2 (n - 1) / n} times the buffer, whatever the number of ranks; every chunk is summed once,
 * on one rank, and copied to the others, so all ranks get the same bits.
 *
 * <p>Setting up a ring takes a rendezvous: every rank binds a listener ({@link #listen}), the
 * launcher gathers the listeners' addresses (Spark's {@code BarrierTaskContext.allGather}, or any
 * other way), and every rank calls {@link #connect} with all of them. A connection that does not
 * present the same session id, the expected rank and the group size is refused.
 *
 * <p>A rank that dies closes its connections (the OS does it for a killed process), so its
 * neighbours' next call fails at once; a rank that hangs makes them fail at the timeout.
 */
public final class TcpRing {
  private TcpRing() {}

  /** A listener for this rank's incoming ring connection, bound to {@code address} (port 0: any free port). */
  public static ServerSocketChannel listen(InetSocketAddress address) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(address, 16);
      return listener;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /**
   * Joins the ring as {@code rank}: connects to rank {@code rank + 1}'s address and accepts rank
   * {@code rank - 1}'s connection on {@code listener}, within {@code timeout}. The listener stays
   * open (close it when done).
   *
   * @param addresses every rank's listener address, in rank order (the same list on every rank)
   * @param session the same number on every rank of this group, different from any other group's
   *     (e.g. a Spark stage and attempt): stray connections from another group are refused
   * @param timeout how long setting up, and then each collective call, may wait for the other ranks
   * @throws CollectiveTimeoutException if a neighbour did not connect in time
   */
  public static Collective connect(int rank, List<InetSocketAddress> addresses, ServerSocketChannel listener,
      long session, Duration timeout) {
    if (addresses == null || addresses.isEmpty()) {
      throw new IllegalArgumentException("a ring needs the addresses of its ranks, got " + addresses);
    }
    if (rank < 0 || rank >= addresses.size()) {
      throw new IllegalArgumentException("rank must be in [0, " + addresses.size() + "), got " + rank);
    }
    Durations.requirePositive(timeout);
    return new TransportCollective(RingSetup.join(rank, List.copyOf(addresses), listener, session, timeout),
        timeout);
  }
}
