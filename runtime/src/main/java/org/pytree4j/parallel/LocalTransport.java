package org.pytree4j.parallel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A rank of an in-process group. Reductions add the ranks' buffers in rank order on every rank
 * (the same operations in the same order, hence the same bits): simple, and the reference the
 * other backends are tested against.
 */
final class LocalTransport implements Transport {
  private final LocalGroup group;
  private final int rank;
  private ByteBuffer sum;

  LocalTransport(LocalGroup group, int rank) {
    this.group = group;
    this.rank = rank;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return group.size();
  }

  @Override
  public byte[][] allGather(byte[] mine, Call call) {
    Object[] all = group.exchange(rank, mine, call);
    byte[][] out = new byte[all.length][];
    for (int r = 0; r < all.length; r++) {
      out[r] = ((byte[]) all[r]).clone();
    }
    return out;
  }

  @Override
  public void allReduceSum(ByteBuffer data, DataType dtype, Call call) {
    int bytes = data.limit();
    Object[] all = group.exchange(rank, data, call);
    if (sum == null || sum.capacity() < bytes) {
      sum = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    sum.put(0, (ByteBuffer) all[0], 0, bytes);
    for (int r = 1; r < all.length; r++) {
      FloatKernels.add(sum, 0, (ByteBuffer) all[r], 0, bytes / FloatKernels.bytesPer(dtype), dtype);
    }
    group.await(call);   // every rank has read every buffer: now each may overwrite its own
    data.put(0, sum, 0, bytes);
  }

  @Override
  public byte[] broadcast(byte[] mine, Call call) {
    return ((byte[]) group.exchange(rank, mine, call)[0]).clone();
  }

  @Override
  public void close() {
    // nothing to release
  }

  @Override
  public String toString() {
    return "threads in this JVM";
  }
}
