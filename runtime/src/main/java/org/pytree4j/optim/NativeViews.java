package org.pytree4j.optim;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
 * of seconds. Here the buffer is allocated without its constructor and its native view is owned by the
 * {@link Lease} it lies in ({@link Owned}): the pool frees the views together when it gets the slab
 * back, which happens only once no array or buffer over the slab can be reached.
 *
 * <p>Used only when ND4J's buffer class has exactly the fields this was written against, and a buffer
 * made this way has the values ND4J's constructor gives those fields ({@link #TEMPLATE}) and behaves
 * like ND4J's own on a probe; otherwise buffers are made by {@code Nd4j.createBuffer}.
 */
final class NativeViews {
  /** A buffer ND4J made over a pointer, as the new buffers are made over theirs. */
  private static final DataBuffer TEMPLATE = template();
  private static final Class<?> BUFFER_CLASS = TEMPLATE == null ? null : TEMPLATE.getClass();
  private static final MethodHandle ALLOCATE = UnsafeAccess.method("allocateInstance",
      MethodType.methodType(Object.class, Class.class));
  private static final MethodHandle PUT_OBJECT = UnsafeAccess.method("putObject",
      MethodType.methodType(void.class, Object.class, long.class, Object.class));
  private static final MethodHandle PUT_LONG = UnsafeAccess.method("putLong",
      MethodType.methodType(void.class, Object.class, long.class, long.class));
  private static final MethodHandle PUT_BYTE = UnsafeAccess.method("putByte",
      MethodType.methodType(void.class, Object.class, long.class, byte.class));
  /** Whether ND4J's native buffer API is there, which {@link OwnedView} calls. */
  private static final boolean NATIVE_API = nativeApi();
  /** The instance fields of the buffer class (with its superclasses) that a new buffer sets, by name. */
  private static final Map<String, Long> FIELDS = fields();
  private static final long TYPE_FIELD = offset("type");
  private static final long LENGTH = offset("length");
  private static final long UNDERLYING_LENGTH = offset("underlyingLength");
  private static final long ELEMENT_SIZE_FIELD = offset("elementSize");
  private static final long WRAPPED = offset("wrappedDataBuffer");
  private static final long GENERATION = offset("workspaceGenerationId");
  private static final long MODE = offset("allocationMode");
  private static final long INDEXER = offset("indexer");
  private static final long POINTER = offset("pointer");
  private static final long REFERENCED = offset("referenced");
  private static final long INSTANCE_ID = offset("instanceId");
  private static final long NATIVE_VIEW = offset("ptrDataBuffer");
  /**
   * ND4J's counter its buffer constructor takes each buffer's id from (one call, synchronized, and one
   * contended increment per buffer); here the ids of a lease's buffers are taken at once.
   */
  private static final AtomicLong BUFFER_IDS = bufferIds();
  /** What ND4J's constructor sets that is the same for every float32 buffer. */
  private static final Object TYPE;
  private static final Object ALLOCATION_MODE;
  private static final byte ELEMENT_SIZE;
  private static final long WORKSPACE_GENERATION;
  static final boolean AVAILABLE;
  /** Roughly the native memory of one view (117 bytes measured with ND4J 1.0.0-M2.1). */
  private static final long VIEW_BYTES = 128;
  /** Views made and not yet freed. */
  private static final LongAdder LIVE = new LongAdder();
  /** Views made, freed or not. */
  private static final LongAdder MADE = new LongAdder();

  static {
    Object type = null;
    Object mode = null;
    byte size = 0;
    long generation = 0;
    boolean available = false;
    if (FIELDS != null && ALLOCATE != null && PUT_OBJECT != null && PUT_LONG != null && PUT_BYTE != null
        && NATIVE_API && BUFFER_IDS != null) {
      try {
        type = get(TEMPLATE, "type");
        mode = get(TEMPLATE, "allocationMode");
        size = (byte) get(TEMPLATE, "elementSize");
        generation = (long) get(TEMPLATE, "workspaceGenerationId");
        available = true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        available = false;
      }
    }
    TYPE = type;
    ALLOCATION_MODE = mode;
    ELEMENT_SIZE = size;
    WORKSPACE_GENERATION = generation;
    AVAILABLE = available && behaves();
  }

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

  /** How many views were made here and are not yet freed. */
  static long live() {
    return LIVE.sum();
  }

  /** How many views were made here. */
  static long made() {
    return MADE.sum();
  }

  /**
   * The native views made over one lease, freed together when the pool gets the lease's slab back,
   * or handed on with the slab to its next lease, which reuses those of its leaves that start and end
   * where they did. They are kept as addresses: Java objects here would stay reachable (through the
   * pool) until the lease is found unreachable, and so survive the young collections that find their
   * buffers dead.
   */
  static final class Owned {
    /** The views by leaf, 0 for none; each is set by one thread ({@link #buffer}). */
    private volatile long[] views;
    /** Where each view lies in the slab ({@link #key}), or {@link #SPOILED}. */
    private long[] keys;
    /** The id ND4J's constructor would take for each buffer, leaf {@code i}'s being this plus {@code i}. */
    private long firstId;
    /** Written after a key is set to {@link #SPOILED}, so that whoever reads it sees that key. */
    private volatile boolean spoiled;
    private static final long SPOILED = -1;

    /**
     * Room for the views of {@code count} leaves. Those taken over from the slab's previous lease
     * stay, to be reused where a leaf lies as before, unless that lease had another number of leaves.
     */
    void reserve(int count) {
      firstId = BUFFER_IDS.getAndAdd(count);
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

    private static void freeAll(long[] views) {
      if (views == null) {
        return;
      }
      for (long view : views) {
        if (view != 0) {
          freeOne(view);
        }
      }
    }

    private static void freeOne(long view) {
      OwnedView.delete(view);
      LIVE.decrement();
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
    try {
      long key = Owned.key(pointer, length);
      long view = owner.reusable(index, key);
      if (view == 0) {
        view = OwnedView.make(length, pointer);
        LIVE.increment();
        MADE.increment();
        owner.views[index] = view;
        owner.keys[index] = key;
      }
      Object b = (Object) ALLOCATE.invokeExact(BUFFER_CLASS);
      PUT_OBJECT.invokeExact(b, TYPE_FIELD, TYPE);
      PUT_LONG.invokeExact(b, LENGTH, length);
      PUT_LONG.invokeExact(b, UNDERLYING_LENGTH, length);
      PUT_BYTE.invokeExact(b, ELEMENT_SIZE_FIELD, ELEMENT_SIZE);
      PUT_OBJECT.invokeExact(b, WRAPPED, b);
      PUT_LONG.invokeExact(b, GENERATION, WORKSPACE_GENERATION);
      PUT_OBJECT.invokeExact(b, MODE, ALLOCATION_MODE);
      PUT_OBJECT.invokeExact(b, INDEXER, (Object) FloatIndexer.create((org.bytedeco.javacpp.FloatPointer) pointer));
      PUT_OBJECT.invokeExact(b, POINTER, (Object) pointer);
      PUT_OBJECT.invokeExact(b, REFERENCED, (Object) new org.nd4j.common.primitives.AtomicBoolean(false));
      PUT_LONG.invokeExact(b, INSTANCE_ID, owner.firstId + index);
      PUT_OBJECT.invokeExact(b, NATIVE_VIEW, OwnedView.of(view, owner, index));
      return (DataBuffer) b;
    } catch (Throwable e) {
      throw new IllegalStateException("could not make a buffer over the optimizer's memory", e);
    }
  }

  private static boolean nativeApi() {
    try {
      Class.forName("org.nd4j.nativeblas.OpaqueDataBuffer");
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static AtomicLong bufferIds() {
    try {
      Object service = Nd4j.getDeallocatorService();
      Field f = service.getClass().getDeclaredField("counter");
      if (Modifier.isStatic(f.getModifiers()) || f.getType() != AtomicLong.class) {
        return null;
      }
      f.setAccessible(true);
      return (AtomicLong) f.get(service);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static long offset(String field) {
    Long offset = FIELDS == null ? null : FIELDS.get(field);
    return offset == null ? -1 : offset;
  }

  private static DataBuffer template() {
    try {
      org.bytedeco.javacpp.FloatPointer p = new org.bytedeco.javacpp.FloatPointer(1);
      return Nd4j.createBuffer(p, DataType.FLOAT, 1, FloatIndexer.create(p));
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * The offsets of the buffer class's instance fields, when they are exactly those of ND4J 1.0.0-M2.1's
   * CPU buffers (so that setting these leaves no field as the constructor would not); else null.
   */
  private static Map<String, Long> fields() {
    Set<String> expected = Set.of("type", "length", "underlyingLength", "offset", "elementSize", "wrappedDataBuffer",
        "workspaceGenerationId", "allocationMode", "indexer", "pointer", "attached", "parentWorkspace",
        "originalBuffer", "originalOffset", "constant", "released", "referenced", "ptrDataBuffer", "instanceId");
    if (BUFFER_CLASS == null) {
      return null;
    }
    Map<String, Long> offsets = new HashMap<>();
    for (Class<?> c = BUFFER_CLASS; c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        long offset = UnsafeAccess.fieldOffset(f);
        if (offset < 0 || offsets.put(f.getName(), offset) != null) {
          return null;
        }
      }
    }
    return offsets.keySet().equals(expected) ? offsets : null;
  }

  private static Object get(Object target, String name) throws ReflectiveOperationException {
    for (Class<?> c = target.getClass(); c != Object.class; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
      } catch (NoSuchFieldException e) {
        // in a superclass
      }
    }
    throw new NoSuchFieldException(name);
  }

  /**
   * True when a buffer made this way over part of a slab reads, writes, takes part in native ops,
   * views and copies at its offset, and closes, as ND4J's own buffer does.
   */
  private static boolean behaves() {
    try {
      Lease lease = SlabPool.SHARED.lease(8);
      for (int i = 0; i < 8; i++) {
        lease.slab.bytes.putFloat(4 * i, i);
      }
      lease.natives.reserve(1);
      ArrayShells.ShapeInfo shape = ArrayShells.float32(new long[] {2, 3});
      DataBuffer data = buffer(new LeafPointer(lease, 2, shape), 6, lease.natives, 0);
      // as ND4J's constructor leaves them, before any use
      boolean likeTemplate = true;
      Set<String> perBuffer = Set.of("length", "underlyingLength", "wrappedDataBuffer", "indexer", "pointer",
          "referenced", "instanceId", "ptrDataBuffer");
      for (String field : FIELDS.keySet()) {
        if (!perBuffer.contains(field)) {
          likeTemplate &= java.util.Objects.equals(get(data, field), get(TEMPLATE, field));
        }
      }
      likeTemplate &= get(data, "wrappedDataBuffer") == data && get(TEMPLATE, "wrappedDataBuffer") == TEMPLATE
          && ((org.nd4j.common.primitives.AtomicBoolean) get(data, "referenced")).get()
              == ((org.nd4j.common.primitives.AtomicBoolean) get(TEMPLATE, "referenced")).get();
      DataBuffer ordinary = Nd4j.createBuffer(new float[] {1, 2});
      INDArray a = ArrayShells.wrap(data, shape);
      boolean reads = a.getFloat(1, 2) == 7f && a.getRow(1).getFloat(0) == 5f && a.dup().getFloat(0, 0) == 2f
          && a.add(1f).getFloat(0, 0) == 3f && a.sumNumber().doubleValue() == 27.0;
      a.muli(2f);
      boolean writes = lease.slab.bytes.getFloat(4 * 2) == 4f && lease.slab.bytes.getFloat(4 * 7) == 14f
          && lease.slab.bytes.getFloat(4 * 1) == 1f && a.getFloat(1, 2) == 14f;
      boolean same = data.dataType() == DataType.FLOAT && data.length() == 6 && data.offset() == 0
          && !data.wasClosed() && data.closeable() == ordinary.closeable() && !data.isAttached()
          && !data.isConstant() && (long) get(ordinary, "instanceId") > (long) get(data, "instanceId");
      a.close();
      return reads && writes && same && likeTemplate && a.wasClosed() && data.wasClosed();
    } catch (Throwable e) {
      return false;
    }
  }
}
