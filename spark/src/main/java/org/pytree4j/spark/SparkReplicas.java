package org.pytree4j.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Runs data-parallel replicas as one Spark barrier stage: one task per replica, all started
 * together (Spark's barrier execution mode, as XGBoost4J-Spark and LightGBM on Spark train). The
 * tasks exchange their addresses with {@code BarrierTaskContext.allGather}, connect in a
 * {@link org.pytree4j.parallel.TcpRing}, and each runs the {@link SparkReplica} with its
 * collective and its shard.
 *
 * <pre>{@code
 * List<Double> losses = SparkReplicas.create().maxRestarts(3).run(sc, 2, (collective, shard, attempt) -> {
 *   TrainState<Mlp> state = Replicas.restoreLatest(collective, checkpoints(), initial());   // resume
 *   ...                          // DataParallelStep; rank 0 saves checkpoints
 *   return loss;
 * });
 * }</pre>
 *
 * <p><b>Faults.</b> If any task fails, Spark fails the whole barrier stage (the other tasks' ring
 * connections close, so they stop at once). The driver then runs the stage again, up to
 * {@link #maxRestarts} times, with the attempt number increased; replicas resume from the latest
 * checkpoint that rank 0 wrote ({@link org.pytree4j.parallel.Replicas#restoreLatest}), so a restart
 * loses at most the steps since that checkpoint.
 *
 * <p>The stage needs one free task slot per replica at once ({@code local[2]} for two replicas in
 * one JVM; on a cluster, executors × cores), and no dynamic allocation.
 */
public final class SparkReplicas {
  private static final System.Logger LOG = System.getLogger(SparkReplicas.class.getName());

  private final int maxRestarts;
  private final Duration timeout;

  private SparkReplicas(int maxRestarts, Duration timeout) {
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("maxRestarts must not be negative, got " + maxRestarts);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    this.maxRestarts = maxRestarts;
    this.timeout = timeout;
  }

  /** No restarts; a timeout of 5 minutes for each collective call. */
  public static SparkReplicas create() {
    return new SparkReplicas(0, Duration.ofMinutes(5));
  }

  /** Runs the stage again after a failure, at most {@code n} times. */
  public SparkReplicas maxRestarts(int n) {
    return new SparkReplicas(n, timeout);
  }

  /** How long each collective call waits for the other replicas. */
  public SparkReplicas timeout(Duration timeout) {
    return new SparkReplicas(maxRestarts, timeout);
  }

  /** {@code replicas} replicas whose shards are their own ranks (they read or generate their data themselves). */
  public <R> List<R> run(JavaSparkContext sc, int replicas, SparkReplica<Integer, R> replica) {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be at least 1, got " + replicas);
    }
    List<Integer> ranks = IntStream.range(0, replicas).boxed().toList();
    return run(sc.parallelize(ranks, replicas), replica);
  }

  /**
   * One replica per partition of {@code shards}, each with that partition's records as its shard.
   *
   * @return each replica's result, in rank (partition) order
   * @throws StageFailedException if the stage failed more than {@link #maxRestarts} times (the last failure)
   */
  public <T, R> List<R> run(JavaRDD<T> shards, SparkReplica<T, R> replica) {
    Objects.requireNonNull(replica, "replica");
    boolean loopback = shards.context().isLocal();
    long run = ThreadLocalRandom.current().nextLong();
    for (int attempt = 0; ; attempt++) {
      try {
        return runOnce(shards, replica, attempt, run, loopback);
      } catch (Exception e) {   // SparkException, checked in Java's eyes, thrown by collect()
        if (attempt >= maxRestarts) {
          throw new StageFailedException(attempt + 1, e);
        }
        LOG.log(System.Logger.Level.WARNING, "data-parallel stage failed (attempt " + attempt + " of "
            + (maxRestarts + 1) + "); restarting it: " + e.getMessage());
      }
    }
  }

  private <T, R> List<R> runOnce(JavaRDD<T> shards, SparkReplica<T, R> replica, int attempt, long run,
      boolean loopback) {
    ClassTag<Object[]> tag = ClassTag$.MODULE$.apply(Object[].class);
    RDD<Object[]> stage = shards.rdd().barrier()
        .mapPartitions(new BarrierTask<>(replica, attempt, run, loopback, timeout), false, tag);
    List<Object[]> collected = JavaRDD.fromRDD(stage, tag).collect();
    List<R> results = new ArrayList<>(collected.size());
    for (int rank = 0; rank < collected.size(); rank++) {
      Object[] r = collected.get(rank);
      if ((int) r[0] != rank) {
        throw new IllegalStateException("replica results out of order: " + rank + " got rank " + r[0]);
      }
      @SuppressWarnings("unchecked")
      R result = (R) r[1];
      results.add(result);
    }
    return results;
  }

  @Override
  public String toString() {
    return "SparkReplicas(maxRestarts=" + maxRestarts + ", timeout=" + timeout + ")";
  }
}
