package org.pytree4j.optim;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ndarray.JvmShapeInfo;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.common.util.ArrayUtil;

/**
 * Makes float32 C-order {@link INDArray}s over existing buffers cheaply. {@code Nd4j.create(buffer, shape, ...)}
 * builds a new native shape descriptor for every array (about 10 us); here one descriptor per shape
 * is cached and shared (descriptors are immutable; closing an array does not close it). A shell is
 * then the backend's array with its three fields set: the buffer, the shared native descriptor and
 * the shared Java view of it ({@code JvmShapeInfo}, immutable), so that a tree of many small leaves
 * pays tens of nanoseconds per array instead of a descriptor decoded per array. The array is
 * allocated without its constructor, whose one job is to take an id from ND4J's counter: a
 * {@link Maker} takes a block of ids at once, so that both cores make arrays without contending.
 * Each way is used only if its arrays behave like ordinary ones on a probe; the fallbacks are the
 * no-argument constructor, the backend's {@code (DataBuffer, shapeInfo, long[])} constructor (about
 * 0.1 us), and {@code Nd4j.create}.
 */
final class ArrayShells {
  private static final ConcurrentHashMap<ShapeKey, ShapeInfo> SHAPES = new ConcurrentHashMap<>();
  /** How shells are made on this backend: the cheapest way whose arrays behave like ordinary ones on a probe. */
  private static final Way WAY = findWay();

  private enum Way { ALLOCATED, FIELDS, CONSTRUCTOR, CREATE }

  private ArrayShells() {}

  /** The shared descriptor of a float32 C-order array of {@code shape}. */
  static ShapeInfo float32(long[] shape) {
    ShapeKey key = new ShapeKey(shape);
    ShapeInfo cached = SHAPES.get(key);
    if (cached != null) {
      return cached;
    }
    long[] copy = shape.clone();
    Pair<DataBuffer, long[]> info = Nd4j.getShapeInfoProvider().createShapeInformation(
        copy, ArrayUtil.calcStrides(copy), 1, 'c', DataType.FLOAT, false);
    return SHAPES.computeIfAbsent(new ShapeKey(copy), k -> new ShapeInfo(copy, info.getFirst(), info.getSecond()));
  }

  /** A float32 C-order array of {@code shape} over {@code data} (which holds exactly its elements). */
  static INDArray wrap(DataBuffer data, ShapeInfo shape) {
    return maker(1).wrap(data, shape);
  }

  /** Makes up to {@code count} arrays like {@link #wrap}, numbered from one block of ND4J's array ids. */
  static Maker maker(int count) {
    return new Maker(WAY == Way.ALLOCATED ? ArrayFields.reserveIds(count) : 0);
  }

  /** Makes shells on one thread; see {@link #maker}. */
  static final class Maker {
    private long nextId;

    private Maker(long firstId) {
      this.nextId = firstId;
    }

    INDArray wrap(DataBuffer data, ShapeInfo shape) {
      return make(WAY, data, shape, nextId++);
    }
  }

  private static INDArray make(Way way, DataBuffer data, ShapeInfo shape, long id) {
    try {
      return switch (way) {
        case ALLOCATED -> AllocatedShells.make(data, shape, id);
        case FIELDS -> FieldShells.make(data, shape);
        case CONSTRUCTOR -> (INDArray) ConstructorShells.CONSTRUCTOR.invokeExact(data, shape.buffer(), shape.javaInfo());
        case CREATE -> Nd4j.create(data, shape.shape().clone(), ArrayUtil.calcStrides(shape.shape()), 0, 'c',
            DataType.FLOAT);
      };
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static Way findWay() {
    if (AllocatedShells.ALLOCATE != null && behaves(Way.ALLOCATED)) {
      return Way.ALLOCATED;
    }
    if (FieldShells.CREATE != null && behaves(Way.FIELDS)) {
      return Way.FIELDS;
    }
    if (ConstructorShells.CONSTRUCTOR != null && behaves(Way.CONSTRUCTOR)) {
      return Way.CONSTRUCTOR;
    }
    return Way.CREATE;
  }

  private static boolean behaves(Way way) {
    try {
      ShapeInfo info = float32(new long[] {2, 3});
      INDArray ordinary = Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f, 6f);
      long id = way == Way.ALLOCATED ? ArrayFields.reserveIds(1) : 0;
      INDArray made = make(way, ordinary.data(), info, id);
      return made.dataType() == DataType.FLOAT && made.closeable() == ordinary.closeable()
          && made.isCompressed() == ordinary.isCompressed() && !made.wasClosed()
          && (way != Way.ALLOCATED || made.getId() == id) && made.ordering() == 'c' && !made.isView()
          && Arrays.equals(made.shape(), new long[] {2, 3}) && Arrays.equals(made.stride(), new long[] {3, 1})
          && made.shapeInfoDataBuffer() == info.buffer() && made.getFloat(1, 2) == 6f
          && made.add(1f).getFloat(1, 2) == 7f && made.getRow(1).getFloat(0) == 4f;
    } catch (Throwable e) {
      return false;
    }
  }

  /** The backend array class, as {@code Nd4j.create} makes them. */
  private static Class<?> backendArrayClass() {
    return Nd4j.createFromArray(1f).getClass();
  }

  /**
   * The backend's no-argument constructor, then the buffer, the native descriptor and the shared
   * {@code JvmShapeInfo} stored into their fields (what its three-argument constructor does, minus
   * decoding the descriptor again), as plain stores ({@link ArrayFields}). Static final, so that the
   * JIT inlines it.
   */
  private static final class FieldShells {
    static final MethodHandle CREATE = ArrayFields.AVAILABLE ? noArgumentConstructor() : null;

    private static MethodHandle noArgumentConstructor() {
      try {
        return MethodHandles.publicLookup()
            .findConstructor(backendArrayClass(), MethodType.methodType(void.class))
            .asType(MethodType.methodType(BaseNDArray.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }

    static INDArray make(DataBuffer buffer, ShapeInfo shape) throws Throwable {
      BaseNDArray a = (BaseNDArray) CREATE.invokeExact();
      ArrayFields.setAll(a, buffer, shape.buffer(), shape.jvm());
      return a;
    }
  }

  /**
   * The backend array allocated without running its constructor, then given what the constructor
   * sets ({@link ArrayFields#constructed}) and the three fields {@link FieldShells} sets. The
   * constructor's only cost is taking an id from ND4J's one shared counter: here a step takes a
   * block of ids at once ({@link #maker}), so that both cores can make arrays without fighting over
   * the counter's cache line.
   */
  private static final class AllocatedShells {
    static final Class<?> ARRAY_CLASS = backendArrayClass();
    static final MethodHandle ALLOCATE = ArrayFields.CONSTRUCTOR_FIELDS ? UnsafeAccess.method("allocateInstance",
        MethodType.methodType(Object.class, Class.class)) : null;

    static INDArray make(DataBuffer buffer, ShapeInfo shape, long id) throws Throwable {
      BaseNDArray a = (BaseNDArray) (Object) ALLOCATE.invokeExact(ARRAY_CLASS);
      ArrayFields.constructed(a, id);
      ArrayFields.setAll(a, buffer, shape.buffer(), shape.jvm());
      return a;
    }
  }

  /** The backend's {@code (DataBuffer, shapeInfo, long[])} constructor, which decodes the descriptor. */
  private static final class ConstructorShells {
    static final MethodHandle CONSTRUCTOR = find();

    private static MethodHandle find() {
      for (Constructor<?> c : backendArrayClass().getConstructors()) {
        Class<?>[] p = c.getParameterTypes();
        if (p.length == 3 && p[0] == DataBuffer.class && DataBuffer.class.isAssignableFrom(p[1])
            && p[2] == long[].class) {
          try {
            return MethodHandles.publicLookup().unreflectConstructor(c)
                .asType(MethodType.methodType(INDArray.class, DataBuffer.class, DataBuffer.class, long[].class));
          } catch (IllegalAccessException e) {
            return null;
          }
        }
      }
      return null;
    }
  }

  /** One shape's descriptor: the native shape buffer and its Java copy. */
  record ShapeInfo(long[] shape, DataBuffer buffer, long[] javaInfo, JvmShapeInfo jvm, long address, long length) {
    ShapeInfo(long[] shape, DataBuffer buffer, long[] javaInfo) {
      this(shape, buffer, javaInfo, new JvmShapeInfo(javaInfo), buffer.address(), elements(shape));
    }

    private static long elements(long[] shape) {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    /**
     * True when {@code array} has exactly this descriptor: float32, this shape, C order, default
     * strides. ND4J keeps one native descriptor per distinct shape description, so comparing
     * addresses is enough (and far cheaper than comparing shapes).
     */
    boolean describes(INDArray array) {
      return describes(array.shapeInfoDataBuffer());
    }

    /** {@link #describes(INDArray)}, given the array's shape descriptor. */
    boolean describes(DataBuffer info) {
      return info == buffer || info.address() == address;
    }
  }

  private static final class ShapeKey {
    private final long[] shape;
    private final int hash;

    ShapeKey(long[] shape) {
      this.shape = shape;
      this.hash = Arrays.hashCode(shape);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ShapeKey k && Arrays.equals(shape, k.shape);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
