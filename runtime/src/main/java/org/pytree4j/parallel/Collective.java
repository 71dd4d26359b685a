package org.pytree4j.parallel;

import java.time.Duration;
import java.util.List;

/**
 * The collective operations data-parallel training needs, across the ranks (replicas) of one group:
 * JAX's {@code lax.psum}, {@code lax.pmean}, {@code axis_index} and {@code axis_size} for a group of
 * threads, processes or Spark tasks.
 *
 * <pre>{@code
 * LossAndGrads<Mlp> local = lossAndGrad.apply(state.params(), myShard);
 * Mlp grads = collective.allReduceMean(local.grads());        // jax.lax.pmean(grads, 'batch')
 * state = state.applyGradients(grads);                         // the same step on every rank
 * }</pre>
 *
 * <p>Every rank must make the same calls in the same order, with trees of the same structure,
 * data types and shapes; a rank that calls something else, or passes another kind of tree, makes
 * every rank throw {@link CollectiveMismatchException} naming the rank and the key path. Every call
 * has a {@linkplain #timeout() timeout}: a rank that never arrives makes the others throw
 * {@link CollectiveTimeoutException} instead of hanging. After any failure the collective is
 * unusable.
 *
 * <p>Reductions ravel the tree's leaves into one flat buffer per data type (float32 and float64
 * leaves), reduce it, and write it back into the same structure. The result is bit-identical on
 * every rank, so replicas that apply the same update to it stay bit-identical.
 *
 * <p>A collective belongs to one rank and is used by one thread at a time. Backends:
 * {@link LocalReplicas} (threads in this JVM, the reference), {@link TcpRing} (a ring all-reduce
 * over TCP, between processes or Spark tasks; see the {@code pytree4j-spark} module).
 */
public interface Collective extends AutoCloseable {
  /** This replica's index, {@code 0 .. size() - 1} (JAX's {@code lax.axis_index}). */
  int rank();

  /** The number of replicas (JAX's {@code lax.axis_size}). */
  int size();

  /** How long one collective call waits for the other ranks before it throws. */
  Duration timeout();

  /**
   * {@code jax.lax.psum(tree)}: the element-wise sum of every rank's tree, as a tree of the same
   * structure with fresh leaves. Leaves must be float32 or float64 INDArrays.
   *
   * @throws IllegalArgumentException if a leaf is not a float32 or float64 INDArray (naming its key path)
   */
  <T> T allReduceSum(T tree);

  /** {@code jax.lax.pmean(tree)}: the sum divided by {@link #size()}, as fresh leaves. */
  <T> T allReduceMean(T tree);

  /**
   * {@link #allReduceSum}, writing the result over the given leaves (which the caller must own) and
   * returning {@code tree} itself: no allocation per call, as a training loop wants for gradients.
   */
  <T> T allReduceSumInPlace(T tree);

  /** {@link #allReduceMean}, writing the result over the given leaves; returns {@code tree}. */
  <T> T allReduceMeanInPlace(T tree);

  /** The sum of a number over the ranks, e.g. a count of correct predictions. */
  double allReduceSum(double value);

  /** The mean of a number over the ranks, e.g. a loss. */
  double allReduceMean(double value);

  /**
   * Rank 0's tree on every rank, bit for bit, e.g. the train state after rank 0 restored a
   * checkpoint. Every rank passes a tree of the same structure (its own state serves as the target,
   * giving record types and static fields); rank 0 gets its own tree back. Any leaf
   * {@link org.pytree4j.serialization.Serialization} writes (arrays of any data type, numbers such
   * as a train state's step) is sent.
   */
  <T> T broadcast(T tree);

  /** Every rank's bytes, in rank order: small metadata such as checksums or addresses. */
  List<byte[]> allGather(byte[] bytes);

  /** Returns once every rank has called it. */
  void barrier();

  /** Releases this rank's connections; the other ranks' next call fails. */
  @Override
  void close();
}
