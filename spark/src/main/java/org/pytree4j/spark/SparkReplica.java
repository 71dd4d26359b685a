package org.pytree4j.spark;

import java.io.Serializable;
import java.util.Iterator;
import org.pytree4j.parallel.Collective;

/**
 * The program of one replica, run in a Spark barrier task: it gets its {@link Collective} (rank =
 * the task's partition), its data shard (the partition's records), and the attempt number (0, then
 * 1, 2 ... after restarts). Serialized to the executors, so it must capture only serializable
 * values (paths, seeds, sizes), never arrays or graphs: build those inside.
 *
 * @param <T> the records of a shard
 * @param <R> what the replica returns to the driver (serializable)
 */
@FunctionalInterface
public interface SparkReplica<T, R> extends Serializable {
  R run(Collective collective, Iterator<T> shard, int attempt) throws Exception;
}
