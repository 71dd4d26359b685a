package org.pytree4j.parallel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N replicas in this JVM, one thread each: JAX's {@code pmap} over N local devices. With
 * {@link #threads} the ranks meet in memory (the reference backend, for tests); with
 * {@link #tcpLoopback} they talk through {@link TcpRing} over 127.0.0.1, exactly as separate
 * processes or Spark tasks do.
 *
 * <pre>{@code
 * List<Double> losses = LocalReplicas.threads(2).timeout(Duration.ofSeconds(30)).run(collective -> {
 *   Batch shard = data.shard(collective.rank(), collective.size());
 *   ...   // the training loop; see DataParallelStep
 *   return loss;
 * });
 * }</pre>
 *
 * <p>If a replica throws, the others' next collective call fails at once (not at its timeout) and
 * {@link #run} throws {@link ReplicaFailedException} with the first failure as its cause.
 */
public final class LocalReplicas {
  /** The program each replica runs with its own collective. */
  @FunctionalInterface
  public interface Replica<R> {
    R run(Collective collective) throws Exception;
  }

  /** Default timeout of each collective call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final int size;
  private final boolean tcp;
  private final Duration timeout;

  private LocalReplicas(int size, boolean tcp, Duration timeout) {
    if (size < 1) {
      throw new IllegalArgumentException("replicas must be at least 1, got " + size);
    }
    this.size = size;
    this.tcp = tcp;
    this.timeout = Durations.requirePositive(timeout);
  }

  /** {@code n} replicas whose collectives meet in memory. */
  public static LocalReplicas threads(int n) {
    return new LocalReplicas(n, false, DEFAULT_TIMEOUT);
  }

  /** {@code n} replicas connected by a {@link TcpRing} on the loopback interface. */
  public static LocalReplicas tcpLoopback(int n) {
    return new LocalReplicas(n, true, DEFAULT_TIMEOUT);
  }

  /** The timeout of each collective call (default {@link #DEFAULT_TIMEOUT}). */
  public LocalReplicas timeout(Duration timeout) {
    return new LocalReplicas(size, tcp, timeout);
  }

  /**
   * Runs {@code replica} on {@code n} threads, rank {@code r} on thread {@code pytree4j-replica-r},
   * and returns their results in rank order.
   *
   * @throws ReplicaFailedException if a replica threw (the first failure is the cause)
   */
  public <R> List<R> run(Replica<R> replica) {
    Object[] results = new Object[size];
    Throwable[] failures = new Throwable[size];
    AtomicReference<Integer> first = new AtomicReference<>();
    LocalGroup group = tcp ? null : new LocalGroup(size);
    List<ServerSocketChannel> listeners = tcp ? listeners() : List.of();
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (ServerSocketChannel listener : listeners) {
      try {
        addresses.add((InetSocketAddress) listener.getLocalAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    long session = ThreadLocalRandom.current().nextLong();
    Thread[] threads = new Thread[size];
    for (int r = 0; r < size; r++) {
      int rank = r;
      threads[r] = new Thread(() -> {
        Collective collective = null;
        try {
          collective = tcp
              ? TcpRing.connect(rank, addresses, listeners.get(rank), session, timeout)
              : new TransportCollective(new LocalTransport(group, rank), timeout);
          results[rank] = replica.run(collective);
        } catch (Throwable t) {
          failures[rank] = t;
          first.compareAndSet(null, rank);
          if (group != null) {
            group.abort(rank, t);
          }
        } finally {
          if (collective != null) {
            collective.close();
          }
          closeQuietly(tcp ? listeners.get(rank) : null);
        }
      }, "pytree4j-replica-" + rank);
      threads[r].start();
    }
    boolean interrupted = false;
    for (Thread t : threads) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Integer failed = first.get();
    if (failed != null) {
      ReplicaFailedException e = new ReplicaFailedException(failed, failures[failed]);
      for (int r = 0; r < size; r++) {
        if (r != failed && failures[r] != null) {
          e.addSuppressed(failures[r]);
        }
      }
      throw e;
    }
    @SuppressWarnings("unchecked")
    List<R> list = (List<R>) Arrays.asList(results);
    return list;
  }

  private List<ServerSocketChannel> listeners() {
    List<ServerSocketChannel> out = new ArrayList<>();
    try {
      for (int r = 0; r < size; r++) {
        out.add(TcpRing.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
      }
      return out;
    } catch (IOException e) {
      out.forEach(LocalReplicas::closeQuietly);
      throw new UncheckedIOException("could not listen on the loopback interface", e);
    }
  }

  private static void closeQuietly(ServerSocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  @Override
  public String toString() {
    return size + " replicas on " + (tcp ? "a TCP ring over loopback" : "threads") + ", timeout "
        + Durations.format(timeout);
  }
}
