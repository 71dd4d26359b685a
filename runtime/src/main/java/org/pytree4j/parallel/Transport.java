package org.pytree4j.parallel;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a backend moves between ranks: bytes and flat float buffers, nothing about trees.
 * {@link TransportCollective} builds the tree operations, checks and messages on top.
 */
interface Transport extends AutoCloseable {
  int rank();

  int size();

  /** Every rank's bytes, in rank order. */
  byte[][] allGather(byte[] mine, Call call);

  /**
   * Replaces {@code data} (position 0 to limit, native byte order, {@code dtype} FLOAT or DOUBLE) by
   * the element-wise sum over the ranks; every rank ends with the same bits.
   */
  void allReduceSum(ByteBuffer data, DataType dtype, Call call);

  /** Rank 0's bytes on every rank; {@code mine} is ignored on the others. */
  byte[] broadcast(byte[] mine, Call call);

  @Override
  void close();
}
