package org.pytree4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.pytree4j.parallel.Collective;
import org.pytree4j.parallel.TcpRing;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * What each barrier task runs: bind a listener, exchange addresses with {@code allGather}, join the
 * TCP ring, run the replica, close the ring.
 */
final class BarrierTask<T, R> extends AbstractFunction1<Iterator<T>, Iterator<Object[]>> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SparkReplica<T, R> replica;
  private final int attempt;
  private final long run;
  private final boolean loopback;
  private final Duration timeout;

  BarrierTask(SparkReplica<T, R> replica, int attempt, long run, boolean loopback, Duration timeout) {
    this.replica = replica;
    this.attempt = attempt;
    this.run = run;
    this.loopback = loopback;
    this.timeout = timeout;
  }

  @Override
  public Iterator<Object[]> apply(Iterator<T> shard) {
    BarrierTaskContext context = BarrierTaskContext.get();
    int rank = context.partitionId();
    try (ServerSocketChannel listener = TcpRing.listen(new InetSocketAddress(host(context, rank), 0))) {
      InetSocketAddress mine = (InetSocketAddress) listener.getLocalAddress();
      String[] all = context.allGather(mine.getAddress().getHostAddress() + " " + mine.getPort());
      List<InetSocketAddress> addresses = new ArrayList<>();
      for (String address : all) {
        String[] parts = address.split(" ");
        addresses.add(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])));
      }
      long session = run * 1_000_003L + context.stageId() * 1_009L + context.stageAttemptNumber();
      try (Collective collective = TcpRing.connect(rank, addresses, listener, session, timeout)) {
        R result = replica.run(collective, CollectionConverters.asJava(shard), attempt);
        return CollectionConverters.asScala(List.<Object[]>of(new Object[] {rank, result}).iterator());
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("replica " + rank + " failed: " + e, e);
    }
  }

  /** The executor's address (Spark's task info, without the port); loopback when Spark runs in-process. */
  private InetAddress host(BarrierTaskContext context, int rank) throws IOException {
    if (loopback) {
      return InetAddress.getLoopbackAddress();
    }
    String address = context.getTaskInfos()[rank].address();
    int colon = address.lastIndexOf(':');
    return InetAddress.getByName(colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address);
  }
}
