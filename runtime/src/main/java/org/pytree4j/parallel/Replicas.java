package org.pytree4j.parallel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.checkpoint.CheckpointManager;

/** What keeps data-parallel replicas the same: a drift check, and a resume that starts them all alike. */
public final class Replicas {
  private Replicas() {}

  /**
   * Checks that every rank holds the same {@code tree} (a train state: params, optimizer state and
   * step), bit for bit: one 8-byte checksum per rank is gathered; only if they differ are the
   * per-leaf checksums gathered to name where.
   *
   * @throws ReplicaDriftException on every rank if any rank's tree differs from rank 0's, naming
   *     the ranks and the first differing key path
   */
  public static void checkIdentical(Collective collective, Object tree) {
    List<LeafWithPath> leaves = PyTrees.leavesWithPath(tree);
    long[] sums = new long[leaves.size()];
    long digest = 0xcbf29ce484222325L;
    for (int i = 0; i < sums.length; i++) {
      sums[i] = checksum(leaves.get(i).leaf());
      digest = (digest ^ sums[i]) * 0x100000001b3L;
    }
    List<byte[]> digests = collective.allGather(ByteBuffer.allocate(8).putLong(digest).array());
    boolean same = true;
    for (byte[] d : digests) {
      same &= Arrays.equals(d, digests.get(0));
    }
    if (same) {
      return;
    }
    ByteBuffer mine = ByteBuffer.allocate(8 * sums.length);
    for (long s : sums) {
      mine.putLong(s);
    }
    List<byte[]> all = collective.allGather(mine.array());
    List<Integer> differing = new ArrayList<>();
    String where = null;
    for (int r = 1; r < all.size(); r++) {
      if (!Arrays.equals(all.get(r), all.get(0))) {
        differing.add(r);
        if (where == null) {
          where = firstDifference(all.get(0), all.get(r), leaves, r);
        }
      }
    }
    throw new ReplicaDriftException("replicas are no longer identical: rank" + (differing.size() > 1 ? "s " : " ")
        + differing + " differ" + (differing.size() > 1 ? "" : "s") + " from rank 0; " + where
        + ". Replicas stay identical only if every rank applies the same update to the same reduced gradients:"
        + " take data-dependent decisions (skipping a step, clipping) on reduced values, not local ones");
  }

  /**
   * Resumes every rank alike: rank 0 restores the latest checkpoint (or keeps {@code initial} if
   * there is none) and {@linkplain Collective#broadcast broadcasts} it, so the replicas start from
   * bit-identical states even if only rank 0 can read the checkpoint directory.
   */
  public static <S> S restoreLatest(Collective collective, CheckpointManager checkpoints, S initial) throws IOException {
    S state = collective.rank() == 0 ? checkpoints.restoreLatest(initial).orElse(initial) : initial;
    return collective.broadcast(state);
  }

  private static String firstDifference(byte[] reference, byte[] other, List<LeafWithPath> leaves, int rank) {
    ByteBuffer a = ByteBuffer.wrap(reference);
    ByteBuffer b = ByteBuffer.wrap(other);
    if (reference.length != other.length) {
      return "rank " + rank + "'s tree has " + other.length / 8 + " leaves and rank 0's " + reference.length / 8;
    }
    int count = 0;
    int first = -1;
    for (int i = 0; i < reference.length / 8; i++) {
      if (a.getLong(8 * i) != b.getLong(8 * i)) {
        count++;
        first = first < 0 ? i : first;
      }
    }
    return "rank " + rank + " first differs at " + leaves.get(first).path().describe() + " (" + count + " of "
        + leaves.size() + " leaves differ)";
  }

  /** CRC32C of an array's data type, shape and bytes; of a number's value; of anything else's text. */
  static long checksum(Object leaf) {
    CRC32C crc = new CRC32C();
    if (leaf instanceof INDArray a) {
      crc.update(TreeSignature.kind(a).getBytes(StandardCharsets.UTF_8));
      ByteBuffer bytes = LeafBytes.of(a);
      crc.update(bytes != null ? bytes : LeafBytes.of(a.dup('c')));
    } else if (leaf instanceof Double || leaf instanceof Float) {
      crc.update(ByteBuffer.allocate(8).putLong(Double.doubleToRawLongBits(((Number) leaf).doubleValue())).flip());
    } else if (leaf instanceof Number n) {
      crc.update(ByteBuffer.allocate(8).putLong(n.longValue()).flip());
    } else {
      crc.update(String.valueOf(leaf).getBytes(StandardCharsets.UTF_8));
    }
    return crc.getValue();
  }
}
