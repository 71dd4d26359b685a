package org.pytree4j.optim.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.common.primitives.Pair;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ndarray.JvmShapeInfo;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Makes float32 C-order {@link INDArray}s over existing buffers cheaply. {@code Nd4j.create(buffer, shape, ...)}
 * builds a new native shape descriptor for every array (about 10 us); here one descriptor per shape
 * is kept by each engine and shared (descriptors are immutable; closing an array does not close it).
 * A shell is then the backend's array with its three fields set: the buffer, the shared native
 * descriptor and the shared Java view of it ({@code JvmShapeInfo}, immutable), so that a tree of many
 * small leaves pays tens of nanoseconds per array instead of a descriptor decoded per array. The
 * array is allocated without its constructor, whose one job is to take an id from ND4J's counter: a
 * {@link Maker} takes a block of ids at once, so that both cores make arrays without contending
 * ({@link Nd4jInternals}). Each way is used only if its arrays behave like ordinary ones on a probe;
 * the fallbacks are the no-argument constructor, the backend's public {@code (DataBuffer, shapeInfo,
 * long[])} constructor (about 0.1 us), and {@code Nd4j.create}, the last two ND4J's public API only.
 */
final class ArrayShells {
  /** How shells are made on this backend: the cheapest way whose arrays behave like ordinary ones on a probe. */
  private static final Way WAY = findWay();

  private enum Way { ALLOCATED, FIELDS, CONSTRUCTOR, CREATE }

  private final ConcurrentHashMap<ShapeKey, ShapeInfo> shapes = new ConcurrentHashMap<>();

  /** The shared descriptor of a float32 C-order array of {@code shape}. */
  ShapeInfo float32(long[] shape) {
    ShapeKey key = new ShapeKey(shape);
    ShapeInfo cached = shapes.get(key);
    if (cached != null) {
      return cached;
    }
    ShapeInfo made = ShapeInfo.float32(shape);
    return shapes.computeIfAbsent(new ShapeKey(made.shape()), k -> made);
  }

  /** A float32 C-order array of {@code shape} over {@code data} (which holds exactly its elements). */
  static INDArray wrap(DataBuffer data, ShapeInfo shape) {
    return maker(1).wrap(data, shape);
  }

  /** Makes up to {@code count} arrays like {@link #wrap}, numbered from one block of ND4J's array ids. */
  static Maker maker(int count) {
    return new Maker(WAY == Way.ALLOCATED ? Nd4jInternals.reserveArrayIds(count) : 0);
  }

  /** A line for logs and docs: how arrays are made. */
  static String way() {
    return WAY.name().toLowerCase(java.util.Locale.ROOT);
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
        case ALLOCATED -> Nd4jInternals.allocateArray(data, shape.buffer(), shape.jvm(), id);
        case FIELDS -> Nd4jInternals.constructArray(data, shape.buffer(), shape.jvm());
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
    if (Nd4jInternals.ARRAYS_ALLOCATED && behaves(Way.ALLOCATED)) {
      return Way.ALLOCATED;
    }
    if (Nd4jInternals.ARRAYS_BY_CONSTRUCTOR && behaves(Way.FIELDS)) {
      return Way.FIELDS;
    }
    if (ConstructorShells.CONSTRUCTOR != null && behaves(Way.CONSTRUCTOR)) {
      return Way.CONSTRUCTOR;
    }
    return Way.CREATE;
  }

  private static boolean behaves(Way way) {
    try {
      ShapeInfo info = ShapeInfo.float32(new long[] {2, 3});
      INDArray ordinary = Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f, 6f);
      long id = way == Way.ALLOCATED ? Nd4jInternals.reserveArrayIds(1) : 0;
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

    /** A new descriptor of a float32 C-order array of {@code shape} (engines share theirs: {@link ArrayShells#float32}). */
    static ShapeInfo float32(long[] shape) {
      long[] copy = shape.clone();
      Pair<DataBuffer, long[]> info = Nd4j.getShapeInfoProvider().createShapeInformation(
          copy, ArrayUtil.calcStrides(copy), 1, 'c', DataType.FLOAT, false);
      return new ShapeInfo(copy, info.getFirst(), info.getSecond());
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
