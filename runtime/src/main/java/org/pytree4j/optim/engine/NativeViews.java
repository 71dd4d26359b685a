package org.pytree4j.optim.engine;

import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float32 buffers of new leaf arrays over a leased slab, made without ND4J's deallocator.
 *
 * <p>Every leaf array needs its own ND4J buffer, and every buffer ND4J makes is registered with its
 * deallocator service, whose one thread frees the buffer's native view once the buffer is collected.
 * An immutable step over 10,000 leaves makes 30,000 buffers; while the steps keep both cores busy that
 * thread falls behind by millions of registrations, which fill the heap and end in full collections
 * of seconds. Here the buffer is made by {@link Nd4jInternals} and its native view is owned by the
 * {@link Lease} it lies in ({@link Owned}): the pool frees the views together when it gets the slab
 * back, which happens only once no array or buffer over the slab can be reached.
 *
 * <p>Used only when {@link Nd4jInternals#BUFFERS} and a buffer made this way behaves like ND4J's own
 * on a probe; otherwise buffers are made by {@code Nd4j.createBuffer}.
 */
final class NativeViews {
  /** Whether ND4J's native buffer API is there, which {@link OwnedView} calls. */
  private static final boolean NATIVE_API = nativeApi();
  static final boolean AVAILABLE = Nd4jInternals.BUFFERS && NATIVE_API && behaves();
  /** Roughly the native memory of one view (117 bytes measured with ND4J 1.0.0-M2.1). */
  private static final long VIEW_BYTES = 128;

  private NativeViews() {}

  /**
   * The buffer of a leaf array at {@code pointer}, leaf {@code index} of its lease's
   * {@link Owned#reserve reserved} views: made here when {@link #AVAILABLE}, else by ND4J.
   */
  static DataBuffer leafBuffer(LeafPointer pointer, int index) {
    long length = pointer.shape.length();
    return AVAILABLE ? buffer(pointer, length, pointer.lease.natives, index)
        : Nd4j.createBuffer(pointer, DataType.FLOAT, length, FloatIndexer.create(pointer));
  }

  /**
   * The native views made over one lease, freed together when the pool gets the lease's slab back,
   * or handed on with the slab to its next lease, which reuses those of its leaves that start and end
   * where they did. They are kept as addresses: Java objects here would stay reachable (through the
   * pool) until the lease is found unreachable, and so survive the young collections that find their
   * buffers dead.
   */
  static final class Owned {
    private final EngineCounters counters;
    /** The views by leaf, 0 for none; each is set by one thread ({@link #buffer}). */
    private volatile long[] views;
    /** Where each view lies in the slab ({@link #key}), or {@link #SPOILED}. */
    private long[] keys;
    /** The id ND4J's constructor would take for each buffer, leaf {@code i}'s being this plus {@code i}. */
    private long firstId;
    /** Written after a key is set to {@link #SPOILED}, so that whoever reads it sees that key. */
    private volatile boolean spoiled;
    private static final long SPOILED = -1;

    Owned(EngineCounters counters) {
      this.counters = counters;
    }

    /**
     * Room for the views of {@code count} leaves. Those taken over from the slab's previous lease
     * stay, to be reused where a leaf lies as before, unless that lease had another number of leaves.
     */
    void reserve(int count) {
      firstId = Nd4jInternals.reserveBufferIds(count);
      long[] all = views;
      if (all == null || all.length != count) {
        freeAll(all);
        views = new long[count];
        keys = new long[count];
      }
    }

    /**
     * Takes over the views of the slab's previous lease, which can no longer be reached; those that
     * ND4J changed are freed now.
     */
    void inherit(Owned previous) {
      long[] all = previous.views;
      long[] places = previous.keys;
      previous.views = null;
      previous.keys = null;
      if (all != null && previous.spoiled) {
        for (int i = 0; i < all.length; i++) {
          if (places[i] == SPOILED && all[i] != 0) {
            freeOne(all[i]);
            all[i] = 0;
          }
        }
      }
      keys = places;
      views = all;
    }

    /**
     * The view of leaf {@code index} when one lies where {@code key} says; else 0, and the view the
     * leaf had (elsewhere, or spoiled) is freed.
     */
    private long reusable(int index, long key) {
      long[] all = views;
      long view = all[index];
      if (view != 0 && keys[index] == key) {
        return view;
      }
      if (view != 0) {
        freeOne(view);
        all[index] = 0;
      }
      return 0;
    }

    /** How many leaves the views are for (0 when none were reserved). */
    int count() {
      long[] all = views;
      return all == null ? 0 : all.length;
    }

    /** About the native memory of the views. */
    long nativeBytes() {
      long[] all = views;
      return all == null ? 0 : VIEW_BYTES * all.length;
    }

    /** Marks view {@code index} as changed by ND4J (closed, for one), so that it is never reused. */
    void spoil(int index) {
      long[] k = keys;
      if (k != null && index < k.length) {
        k[index] = SPOILED;
        spoiled = true;
      }
    }

    /** Frees every view; the lease they were made over can no longer be reached. */
    void free() {
      long[] all = views;
      views = null;
      keys = null;
      freeAll(all);
    }

    private void freeAll(long[] views) {
      if (views == null) {
        return;
      }
      for (long view : views) {
        if (view != 0) {
          freeOne(view);
        }
      }
    }

    private void freeOne(long view) {
      OwnedView.delete(view);
      counters.viewsLive.decrement();
    }

    private long made(long length, LeafPointer pointer) {
      counters.viewsLive.increment();
      counters.viewsMade.increment();
      return OwnedView.make(length, pointer);
    }

    /** A view's place in its slab, as the native view records it: its first element and its length. */
    private static long key(LeafPointer pointer, long length) {
      return ((long) pointer.offset << 32) | length;
    }
  }

  /**
   * A float32 buffer of {@code length} elements at {@code pointer} (which keeps its lease reachable),
   * whose native view {@code owner} holds as view {@code index}: the slab's previous view of that leaf
   * when it lies in the same place, else a new one.
   */
  private static DataBuffer buffer(LeafPointer pointer, long length, Owned owner, int index) {
    long key = Owned.key(pointer, length);
    long view = owner.reusable(index, key);
    if (view == 0) {
      view = owner.made(length, pointer);
      owner.views[index] = view;
      owner.keys[index] = key;
    }
    return Nd4jInternals.newFloatBuffer(pointer, length, OwnedView.of(view, owner, index), owner.firstId + index);
  }

  private static boolean nativeApi() {
    try {
      Class.forName("org.nd4j.nativeblas.OpaqueDataBuffer");
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * True when a buffer made this way over part of a slab reads, writes, takes part in native ops,
   * views and copies at its offset, and closes, as ND4J's own buffer does.
   */
  private static boolean behaves() {
    try {
      EngineCounters counters = new EngineCounters();
      Lease lease = new Lease(Slab.allocate(8), counters);
      for (int i = 0; i < 8; i++) {
        lease.slab.bytes.putFloat(4 * i, i);
      }
      lease.natives.reserve(1);
      ArrayShells.ShapeInfo shape = ArrayShells.ShapeInfo.float32(new long[] {2, 3});
      DataBuffer data = buffer(new LeafPointer(lease, 2, shape), 6, lease.natives, 0);
      // as ND4J's constructor leaves them, before any use
      boolean likeTemplate = Nd4jInternals.likeConstructed(data);
      DataBuffer ordinary = Nd4j.createBuffer(new float[] {1, 2});
      INDArray a = ArrayShells.wrap(data, shape);
      boolean reads = a.getFloat(1, 2) == 7f && a.getRow(1).getFloat(0) == 5f && a.dup().getFloat(0, 0) == 2f
          && a.add(1f).getFloat(0, 0) == 3f && a.sumNumber().doubleValue() == 27.0;
      a.muli(2f);
      boolean writes = lease.slab.bytes.getFloat(4 * 2) == 4f && lease.slab.bytes.getFloat(4 * 7) == 14f
          && lease.slab.bytes.getFloat(4 * 1) == 1f && a.getFloat(1, 2) == 14f;
      boolean same = data.dataType() == DataType.FLOAT && data.length() == 6 && data.offset() == 0
          && !data.wasClosed() && data.closeable() == ordinary.closeable() && !data.isAttached()
          && !data.isConstant() && Nd4jInternals.bufferId(ordinary) > Nd4jInternals.bufferId(data);
      a.close();
      boolean closes = a.wasClosed() && data.wasClosed();
      lease.natives.free();
      lease.slab.free();
      return reads && writes && same && likeTemplate && closes;
    } catch (Throwable e) {
      return false;
    }
  }
}
