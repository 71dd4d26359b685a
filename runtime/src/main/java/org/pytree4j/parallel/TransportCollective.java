package org.pytree4j.parallel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Flattened;
import org.pytree4j.PyTrees;
import org.pytree4j.serialization.Serialization;

/**
 * The tree operations of {@link Collective} over a {@link Transport}. Each call first gathers a small
 * header from every rank (operation, sequence number, tree fingerprint), so that ranks that disagree
 * fail together with a message naming the rank and key path, before any data moves; then it moves
 * the data.
 */
final class TransportCollective implements Collective {
  /** The largest piece of a run reduced at once: bounds the scratch buffer for any size of tree. */
  static final int PIECE_BYTES = 64 << 20;
  private static final long NO_TREE = 0;
  private static final long SCALAR = 0x5ca1a4L;

  private final Transport transport;
  private final Duration timeout;
  private final TreeSignature signatures = new TreeSignature();
  private final int pieceBytes;
  private long sequence;
  private CollectiveException broken;
  private ByteBuffer scratch;

  TransportCollective(Transport transport, Duration timeout) {
    this(transport, timeout, PIECE_BYTES);
  }

  TransportCollective(Transport transport, Duration timeout, int pieceBytes) {
    this.transport = transport;
    this.timeout = Durations.requirePositive(timeout);
    this.pieceBytes = pieceBytes;
  }

  @Override
  public int rank() {
    return transport.rank();
  }

  @Override
  public int size() {
    return transport.size();
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public <T> T allReduceSum(T tree) {
    return reduce("allReduceSum", tree, false, false);
  }

  @Override
  public <T> T allReduceMean(T tree) {
    return reduce("allReduceMean", tree, true, false);
  }

  @Override
  public <T> T allReduceSumInPlace(T tree) {
    return reduce("allReduceSumInPlace", tree, false, true);
  }

  @Override
  public <T> T allReduceMeanInPlace(T tree) {
    return reduce("allReduceMeanInPlace", tree, true, true);
  }

  @Override
  public double allReduceSum(double value) {
    return reduceScalar("allReduceSum(double)", value, false);
  }

  @Override
  public double allReduceMean(double value) {
    return reduceScalar("allReduceMean(double)", value, true);
  }

  @Override
  public <T> T broadcast(T tree) {
    Call call = begin("broadcast");
    try {
      agree(call, signatures.fingerprint(tree, PyTrees.flatten(tree)), tree);
      byte[] bytes = transport.broadcast(rank() == 0 ? Serialization.toBytes(tree) : null, call);
      return rank() == 0 ? tree : Serialization.fromBytes(tree, bytes);
    } catch (RuntimeException | Error e) {
      throw fail(call, e);
    }
  }

  @Override
  public List<byte[]> allGather(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("allGather(null): pass an empty array for no bytes");
    }
    Call call = begin("allGather");
    try {
      agree(call, NO_TREE, null);
      return List.of(transport.allGather(bytes.clone(), call));
    } catch (RuntimeException | Error e) {
      throw fail(call, e);
    }
  }

  @Override
  public void barrier() {
    Call call = begin("barrier");
    try {
      agree(call, NO_TREE, null);
    } catch (RuntimeException | Error e) {
      throw fail(call, e);
    }
  }

  @Override
  public void close() {
    if (broken == null) {
      broken = new CollectiveException("the collective of rank " + rank() + " was closed");
    }
    transport.close();
  }

  private <T> T reduce(String op, T tree, boolean mean, boolean inPlace) {
    Call call = begin(op);
    try {
      Flattened flat = PyTrees.flatten(tree);
      agree(call, signatures.fingerprint(tree, flat), tree);
      // the trees agree, so this check passes or fails alike on every rank
      TreeLayout layout = TreeLayout.of(flat.leaves(), i -> PyTrees.leavesWithPath(tree).get(i).path().describe(), op);
      if (inPlace && size() == 1) {
        return tree;
      }
      INDArray[] targets = inPlace ? layout.inPlaceTargets() : layout.freshTargets();
      for (TreeLayout.Group g : layout.groups()) {
        int width = g.bytesPerElement();
        int perPiece = pieceBytes / width;
        for (long from = 0; from < g.elements(); from += perPiece) {
          int count = (int) Math.min(perPiece, g.elements() - from);
          ByteBuffer buffer = scratch(count * width);
          layout.gather(g, from, count, buffer);
          transport.allReduceSum(buffer, g.dtype(), call);
          if (mean && size() > 1) {
            FloatKernels.divide(buffer, count, g.dtype(), size());
          }
          layout.scatter(g, from, count, buffer, targets);
        }
      }
      if (!inPlace) {
        return flat.treeDef().unflatten(Arrays.asList((Object[]) targets));
      }
      layout.finishInPlace(targets);
      return tree;
    } catch (IllegalArgumentException e) {
      throw e;   // a bad tree, found alike on every rank before any data moved: the collective stays usable
    } catch (RuntimeException | Error e) {
      throw fail(call, e);
    }
  }

  private double reduceScalar(String op, double value, boolean mean) {
    Call call = begin(op);
    try {
      agree(call, SCALAR, null);
      ByteBuffer buffer = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
      buffer.putDouble(0, value);
      transport.allReduceSum(buffer, DataType.DOUBLE, call);
      double sum = buffer.getDouble(0);
      return mean ? sum / size() : sum;
    } catch (RuntimeException | Error e) {
      throw fail(call, e);
    }
  }

  private Call begin(String op) {
    if (broken != null) {
      throw new CollectiveException(op + " on rank " + rank() + ": this collective is unusable after an earlier"
          + " failure (" + broken.getMessage() + "); restart the replicas, e.g. from the latest checkpoint", broken);
    }
    return Call.start(op, ++sequence, rank(), timeout);
  }

  private RuntimeException fail(Call call, Throwable e) {
    CollectiveException failure = e instanceof CollectiveException c ? c : call.failed(String.valueOf(e), e);
    if (broken == null) {
      broken = failure;
    }
    if (e instanceof Error error) {
      throw error;
    }
    return failure;
  }

  /** Every rank must be in the same call with a tree of the same fingerprint. */
  private void agree(Call call, long fingerprint, Object tree) {
    byte[][] headers = transport.allGather(header(call, fingerprint), call);
    String[] ops = new String[headers.length];
    long[] sequences = new long[headers.length];
    long[] fingerprints = new long[headers.length];
    for (int r = 0; r < headers.length; r++) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(headers[r]))) {
        ops[r] = in.readUTF();
        sequences[r] = in.readLong();
        fingerprints[r] = in.readLong();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (int r = 1; r < headers.length; r++) {
      if (!ops[r].equals(ops[0]) || sequences[r] != sequences[0]) {
        StringBuilder who = new StringBuilder();
        for (int q = 0; q < headers.length; q++) {
          who.append(q == 0 ? "" : ", ").append("rank ").append(q).append(" is in ").append(ops[q])
              .append(" (collective #").append(sequences[q]).append(')');
        }
        throw new CollectiveMismatchException("the ranks called different collectives: " + who
            + "; every rank must make the same collective calls in the same order");
      }
    }
    for (int r = 1; r < headers.length; r++) {
      if (fingerprints[r] != fingerprints[0]) {
        byte[][] descriptions = transport.allGather(TreeSignature.describe(tree), call);
        throw new CollectiveMismatchException(call.describe() + ": " + TreeSignature.firstDifference(descriptions));
      }
    }
  }

  private static byte[] header(Call call, long fingerprint) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(call.op());
      out.writeLong(call.sequence());
      out.writeLong(fingerprint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private ByteBuffer scratch(int bytes) {
    if (scratch == null || scratch.capacity() < bytes) {
      scratch = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    return scratch.duplicate().position(0).limit(bytes).slice().order(ByteOrder.nativeOrder());
  }

  @Override
  public String toString() {
    return "Collective(rank " + rank() + " of " + size() + ", " + transport + ")";
  }
}
