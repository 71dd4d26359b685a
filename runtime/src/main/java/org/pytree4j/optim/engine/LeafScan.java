package org.pytree4j.optim.engine;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a fused step needs to know about each leaf of one tree. In a tree of many small leaves each
 * object behind a leaf (the array, its buffer, the buffer's pointer) is a cache miss, so:
 * <ul>
 *   <li>a tree that is exactly the leaf arrays an earlier step made over one slab (the params and
 *       state a training loop passes back) is recognised from the slab's record of them
 *       ({@link Lease#made}): each leaf is compared by identity and its array read once, to see
 *       that it still holds the buffer and descriptor it was made with and was not closed;</li>
 *   <li>any other tree is read level by level: every array, then every array's buffer, then every
 *       buffer's pointer. A short loop over one level lets the CPU wait for many misses at once,
 *       where one loop following each leaf's chain of objects waits for them one by one.</li>
 *   <li>a leaf whose native descriptor is not the one of its shape that steps use (a slice of a
 *       flattened gradient vector, say) is checked by its array, and its descriptor remembered, so
 *       that the next leaves with that descriptor need no check ({@link #fits},
 *       {@link #contiguousAddress}).</li>
 * </ul>
 */
final class LeafScan {
  final INDArray[] arrays;
  final DataBuffer[] data;
  /** The address of element 0 of each leaf, as its buffer places it (its pointer plus its offset). */
  final long[] address;
  /** For each leaf that is one of the pool's leaf arrays: its descriptor, slab and offset in it; else null. */
  private final ArrayShells.ShapeInfo[] ownShape;
  final Lease[] ownLease;
  final int[] ownOffset;
  /** Each leaf's shape descriptor and its native address (null when every leaf is one of the pool's). */
  private final DataBuffer[] shapeInfo;
  private final long[] shapeInfoAddress;
  /** True when some leaf was donated or closed. */
  final boolean anyReleased;
  /** True when every leaf can be released after a donating step ({@link Donation#canRelease}). */
  final boolean releasable;
  /** The record of the arrays an earlier step made, when the tree is exactly them ({@link #ofArraysMade}); else null. */
  final Lease.LeafArrays made;
  /**
   * The native address of the foreign descriptor last found to fit {@link #foreignShape}
   * ({@link #checkedForeign}), and whether arrays with it lie contiguously in C order.
   */
  private long foreignDescriptor;
  private ArrayShells.ShapeInfo foreignShape;
  private boolean foreignContiguous;
  /** Where leaves checked by their array are counted. */
  private EngineCounters counters;

  private LeafScan(INDArray[] arrays, DataBuffer[] data, long[] address, ArrayShells.ShapeInfo[] ownShape,
      Lease[] ownLease, int[] ownOffset, DataBuffer[] shapeInfo, long[] shapeInfoAddress, boolean anyReleased,
      boolean releasable, Lease.LeafArrays made) {
    this.arrays = arrays;
    this.data = data;
    this.address = address;
    this.ownShape = ownShape;
    this.ownLease = ownLease;
    this.ownOffset = ownOffset;
    this.shapeInfo = shapeInfo;
    this.shapeInfoAddress = shapeInfoAddress;
    this.anyReleased = anyReleased;
    this.releasable = releasable;
    this.made = made;
  }

  /** The scan of {@code leaves}, or null when one of them is not an {@link INDArray} (or has no buffer). */
  static LeafScan of(List<Object> leaves, StepThreads threads) {
    LeafScan made = ofArraysMade(leaves);
    return made != null ? made : ofAny(leaves, 1, threads);
  }

  /** Counts the leaves this scan checks by their array into {@code counters}; returns this scan. */
  LeafScan countingInto(EngineCounters counters) {
    this.counters = counters;
    return this;
  }

  /** The scan of a tree that is exactly the arrays an earlier step made over one slab, or null. */
  static LeafScan ofArraysMade(List<Object> leaves) {
    if (!mayBeMade(leaves)) {
      return null;
    }
    int n = leaves.size();
    LeafPointer lp = (LeafPointer) ((INDArray) leaves.get(0)).data().pointer();
    Lease.LeafArrays made = lp.lease.made;
    if (made == null || made.arrays().length != n) {
      return null;
    }
    INDArray[] arrays = made.arrays();
    DataBuffer[] data = made.data();
    ArrayShells.ShapeInfo[] shapes = made.shapes();
    for (int i = 0; i < n; i++) {
      if (leaves.get(i) != arrays[i]) {
        return null;
      }
    }
    for (int i = 0; i < n; i++) {
      BaseNDArray a = (BaseNDArray) arrays[i];
      if (a.data() != data[i] || a.shapeInfoDataBuffer() != shapes[i].buffer() || Nd4jInternals.released(a)) {
        return null;
      }
    }
    long[] address = new long[n];
    Lease[] leases = new Lease[n];
    long base = lp.lease.slab.address;
    int[] starts = made.starts();
    for (int i = 0; i < n; i++) {
      address[i] = base + 4L * starts[i];
      leases[i] = lp.lease;
    }
    return new LeafScan(arrays, data, address, shapes, leases, starts, null, null, false, true, made);
  }

  /** The scan of any tree of arrays on {@code parts} threads, or null when a leaf is not an {@link INDArray} (or has no buffer). */
  static LeafScan ofAny(List<Object> leaves, int parts, StepThreads threads) {
    AnyScan scan = new AnyScan(leaves, parts);
    threads.run(parts, scan::part);
    return scan.result();
  }

  /**
   * True when {@code leaves} may be the arrays an earlier step made ({@link #ofArraysMade}), judged
   * by the first leaf alone.
   */
  static boolean mayBeMade(List<Object> leaves) {
    return !leaves.isEmpty() && leaves.get(0) instanceof BaseNDArray first
        && !Nd4jInternals.released(first) && first.data() != null && !first.data().wasClosed()
        && first.data().pointer() instanceof LeafPointer lp && lp.lease.made != null
        && lp.lease.made.arrays().length == leaves.size();
  }

  /**
   * The scan of any tree of arrays, in parts that threads may run in any order ({@link #part}); its
   * {@link #result} once every part has run.
   */
  static final class AnyScan {
    private final Object[] leaves;
    private final int parts;
    private final INDArray[] arrays;
    private final DataBuffer[] data;
    private final DataBuffer[] shapeInfo;
    private final long[] address;
    private final long[] shapeInfoAddress;
    private final ArrayShells.ShapeInfo[] ownShape;
    private final Lease[] ownLease;
    private final int[] ownOffset;
    private final boolean donatable;
    /** Per part: every leaf an array with a buffer, some leaf released, every leaf releasable. */
    private final boolean[] arraysOnly;
    private final boolean[] someReleased;
    private final boolean[] allReleasable;

    AnyScan(List<Object> leaves, int parts) {
      this(leaves, parts, true);
    }

    /** {@code donatable}: whether the tree may be donated, else whether its leaves can be released is not read. */
    AnyScan(List<Object> leaves, int parts, boolean donatable) {
      this.donatable = donatable;
      int n = leaves.size();
      this.leaves = leaves.toArray();
      this.parts = parts;
      arrays = new INDArray[n];
      data = new DataBuffer[n];
      shapeInfo = new DataBuffer[n];
      address = new long[n];
      shapeInfoAddress = new long[n];
      ownShape = new ArrayShells.ShapeInfo[n];
      ownLease = new Lease[n];
      ownOffset = new int[n];
      arraysOnly = new boolean[parts];
      someReleased = new boolean[parts];
      allReleasable = new boolean[parts];
    }

    /**
     * Reads part {@code part}'s leaves level by level: every array, then every buffer, every shape
     * descriptor, and every pointer of each.
     */
    void part(int part) {
      int n = leaves.length;
      int from = (int) ((long) n * part / parts);
      int to = (int) ((long) n * (part + 1) / parts);
      boolean releasable = donatable;
      // Object[], not DataBuffer[]: storing into an array of an interface type checks the value's
      // class, which would read each buffer here, one more miss waited for in this loop
      Object[] buffers = new Object[to - from];
      Object[] descriptors = new Object[to - from];
      for (int i = from; i < to; i++) {
        if (!(leaves[i] instanceof INDArray a) || (buffers[i - from] = a.data()) == null) {
          return;
        }
        arrays[i] = a;
        descriptors[i - from] = a.shapeInfoDataBuffer();
        releasable = releasable && Donation.canRelease(a);
      }
      Pointer[] raw = new Pointer[to - from];
      Pointer[] rawShapeInfo = new Pointer[to - from];
      long[] offsets = new long[to - from];
      boolean released = false;
      // a level per kind of object: the fewer loads a loop makes per leaf, the more misses it waits for at once
      for (int i = from; i < to; i++) {
        DataBuffer buffer = (DataBuffer) buffers[i - from];
        data[i] = buffer;
        if (arrays[i].wasClosed()) {
          released = true;
        } else {
          raw[i - from] = buffer.pointer();
          offsets[i - from] = buffer.offset();
        }
      }
      for (int i = from; i < to; i++) {
        DataBuffer descriptor = (DataBuffer) descriptors[i - from];
        shapeInfo[i] = descriptor;
        rawShapeInfo[i - from] = descriptor.pointer();
      }
      for (int i = from; i < to; i++) {
        shapeInfoAddress[i] = rawShapeInfo[i - from].address();
      }
      for (int i = from; i < to; i++) {
        Pointer p = raw[i - from];
        if (p != null) {
          address[i] = p.address() + 4L * offsets[i - from];
          if (p instanceof LeafPointer lp && shapeInfo[i] == lp.shape.buffer()) {
            ownShape[i] = lp.shape;
            ownLease[i] = lp.lease;
            ownOffset[i] = lp.offset;
          }
        }
      }
      someReleased[part] = released;
      allReleasable[part] = releasable;
      arraysOnly[part] = true;
    }

    LeafScan result() {
      boolean anyReleased = false;
      boolean releasable = true;
      for (int part = 0; part < parts; part++) {
        if (!arraysOnly[part]) {
          return null;
        }
        anyReleased |= someReleased[part];
        releasable &= allReleasable[part];
      }
      return new LeafScan(arrays, data, address, ownShape, ownLease, ownOffset, shapeInfo, shapeInfoAddress,
          anyReleased, releasable, null);
    }
  }

  int size() {
    return arrays.length;
  }

  /** The descriptor leaf {@code i} was made with when it is one of the pool's leaf arrays, else null. */
  ArrayShells.ShapeInfo ownShape(int i) {
    return ownShape[i];
  }

  /** True when leaf {@code i} is one of the pool's leaf arrays, made with {@code shape}. */
  boolean isOwn(int i, ArrayShells.ShapeInfo shape) {
    return ownShape[i] == shape;
  }

  /** True when leaf {@code i} is a float32 C-order array of exactly {@code shape} with default strides. */
  boolean hasDescriptor(int i, ArrayShells.ShapeInfo shape) {
    ArrayShells.ShapeInfo own = ownShape[i];
    // another engine's array has a descriptor of its own engine's, the same native one for a shape
    return own == shape || (own != null && own.address() == shape.address())
        || (shapeInfo != null && (shapeInfo[i] == shape.buffer() || shapeInfoAddress[i] == shape.address()));
  }

  /** True when leaf {@code i} is float32 of {@code shape}, in any order or strides. */
  boolean fits(int i, ArrayShells.ShapeInfo shape) {
    if (hasDescriptor(i, shape) || checkedForeign(i, shape)) {
      return true;
    }
    counters.foreignChecks.increment();
    INDArray a = arrays[i];
    boolean fits = a.dataType() == DataType.FLOAT && Arrays.equals(a.shape(), shape.shape());
    if (fits) {
      rememberForeign(i, shape, LeafMemory.address(a, shape));
    }
    return fits;
  }

  /**
   * The address of leaf {@code i}'s element 0 when its elements lie contiguously in C order as
   * float32 of {@code shape}, else -1 (then read a C-order copy).
   */
  long contiguousAddress(int i, ArrayShells.ShapeInfo shape) {
    if (hasDescriptor(i, shape) || (checkedForeign(i, shape) && foreignContiguous)) {
      return address[i];
    }
    counters.foreignChecks.increment();
    long at = LeafMemory.address(arrays[i], shape);
    if (at >= 0) {
      rememberForeign(i, shape, at);
    }
    return at;
  }

  /**
   * True when leaf {@code i}'s native descriptor is the foreign one (not {@code shape}'s own) last
   * checked against {@code shape}. Views sliced from one buffer (DL4J's flattened gradients) have
   * descriptors of their own, which ND4J shares between views of one shape and order: the first is
   * checked in full, the rest by address. While this scan's arrays hold a descriptor, no other can
   * take its address, so the same address is the same shape, strides and dtype.
   */
  private boolean checkedForeign(int i, ArrayShells.ShapeInfo shape) {
    return shapeInfo != null && foreignShape == shape && shapeInfoAddress[i] == foreignDescriptor;
  }

  /** Remembers leaf {@code i}'s descriptor as fitting {@code shape}; contiguous when {@code at} is where the scan found it. */
  private void rememberForeign(int i, ArrayShells.ShapeInfo shape, long at) {
    if (shapeInfo == null || shapeInfoAddress[i] == 0) {
      return;
    }
    foreignDescriptor = shapeInfoAddress[i];
    foreignShape = shape;
    foreignContiguous = at >= 0 && at == address[i];
  }
}
