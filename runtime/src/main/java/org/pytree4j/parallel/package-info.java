/**
 * Data-parallel training, JAX's way: replicas of one train state, each computing gradients on its
 * shard of the batch, averaged with an all-reduce, then the same update on every replica.
 * {@link org.pytree4j.parallel.Collective} is the interface (rank, size, all-reduce over pytrees,
 * broadcast, barrier, each with a timeout); {@link org.pytree4j.parallel.LocalReplicas} runs
 * replicas on threads, {@link org.pytree4j.parallel.TcpRing} connects processes;
 * {@link org.pytree4j.parallel.DataParallelStep} is the training step and
 * {@link org.pytree4j.parallel.Replicas} keeps replicas identical. Spark's launcher is in the
 * {@code pytree4j-spark} module. See docs/distributed.md.
 */
package org.pytree4j.parallel;
