package org.pytree4j.optim;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;

/**
 * Optax's {@code flatten(inner)}: {@code inner} sees the updates (and params) as one vector, every
 * array leaf in C order, one after the other in leaf order, and its updates are split back into the
 * updates' tree. Its state is {@code inner}'s state for that vector: {@code flatten(adam(lr))} keeps
 * {@code mu} and {@code nu} as one array each, however many leaves the params have. For a tree of
 * many small leaves that is a third of the arrays a step makes and reads.
 *
 * <p>As in Optax, None (null) leaves take no part, and leaves of different dtypes are raveled into
 * their promoted dtype (float32 with float64 is float64), which the split-back updates keep. The
 * inner transformation checks its state against the vector when it runs.
 */
public final class Flatten extends AbstractTransformation {
  private final GradientTransformation inner;

  Flatten(GradientTransformation inner) {
    if (inner == null) {
      throw new IllegalArgumentException("flatten needs a transformation, not null");
    }
    this.inner = inner;
  }

  @Override
  public OptState init(Object params) {
    UpdateTrees.Flat p = UpdateTrees.flatten(params, "params");
    requireAnArray(p.leaves, "params");
    return inner.init(ravel(p.leaves, p.leaves));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    requireAnArray(u.leaves, "updates");
    if (params != null) {
      UpdateTrees.paramsLeaves(u, params, "flatten");
    }
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    INDArray flatUpdates = ravel(u.leaves, u.leaves);
    INDArray flatParams = params == null ? null : ravel(u.def.flattenUpTo(params), u.leaves);
    UpdateResult r = applyPart(inner, false, flatUpdates, state, flatParams, extraArgs);
    return new UpdateResult(u.unflatten(split(r.updates(), u, flatUpdates.length())), r.state());
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    FusedPart part = fusePart(inner, state, extraArgs);
    return part == null ? null : part.raveled();
  }

  private static void requireAnArray(List<Object> leaves, String what) {
    for (Object leaf : leaves) {
      if (leaf != null) {
        return;
      }
    }
    throw OptimizerInputException.atPath("flatten needs at least one array to ravel", KeyPath.root(),
        "the " + what + " hold no array, only None (null) or nothing");
  }

  /**
   * One vector of the arrays among {@code leaves} at the positions where {@code updates} holds an
   * array, in their promoted dtype.
   */
  private static INDArray ravel(List<Object> leaves, List<Object> updates) {
    DataType dtype = null;
    long total = 0;
    for (int i = 0; i < leaves.size(); i++) {
      if (updates.get(i) != null) {
        INDArray a = (INDArray) leaves.get(i);
        dtype = dtype == null ? a.dataType() : FloatTypes.promote(dtype, a.dataType());
        total += a.length();
      }
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw OptimizerInputException.atPath("flatten cannot ravel the tree into one Java-indexable vector",
          KeyPath.root(), "it has " + total + " elements");
    }
    long[] shape = {total};
    if (dtype == DataType.FLOAT) {
      float[] flat = new float[(int) total];
      int at = 0;
      for (int i = 0; i < leaves.size(); i++) {
        if (updates.get(i) != null) {
          float[] leaf = LeafBuffers.readFloats((INDArray) leaves.get(i));
          System.arraycopy(leaf, 0, flat, at, leaf.length);
          at += leaf.length;
        }
      }
      return LeafBuffers.writeFloats(flat, shape);
    }
    double[] flat = new double[(int) total];
    int at = 0;
    for (int i = 0; i < leaves.size(); i++) {
      if (updates.get(i) != null) {
        double[] leaf = LeafBuffers.read((INDArray) leaves.get(i));
        System.arraycopy(leaf, 0, flat, at, leaf.length);
        at += leaf.length;
      }
    }
    return LeafBuffers.write(flat, shape, dtype);
  }

  /** The leaves of {@code u}'s tree cut from the inner transformation's vector of updates. */
  private Object[] split(Object innerUpdates, UpdateTrees.Flat u, long total) {
    if (!(innerUpdates instanceof INDArray flat) || flat.length() != total) {
      throw new IllegalStateException("flatten(" + inner + ") needs its inner transformation to return one vector of "
          + total + " updates, but it returned " + FloatTypes.describeValue(innerUpdates));
    }
    DataType dtype = flat.dataType();
    boolean float32 = dtype == DataType.FLOAT;
    float[] floats = float32 ? LeafBuffers.readFloats(flat) : null;
    double[] doubles = float32 ? null : LeafBuffers.read(flat);
    Object[] out = new Object[u.size()];
    int at = 0;
    for (int i = 0; i < out.length; i++) {
      INDArray leaf = u.array(i);
      if (leaf == null) {
        continue;
      }
      int n = (int) leaf.length();
      out[i] = float32
          ? LeafBuffers.writeFloats(java.util.Arrays.copyOfRange(floats, at, at + n), leaf.shape())
          : LeafBuffers.write(java.util.Arrays.copyOfRange(doubles, at, at + n), leaf.shape(), dtype);
      at += n;
    }
    return out;
  }

  @Override
  public String toString() {
    return "flatten(" + inner + ")";
  }
}
