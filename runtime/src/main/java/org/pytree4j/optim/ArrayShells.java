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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.common.util.ArrayUtil;

/**
 * Makes float32 C-order {@link INDArray}s over existing buffers cheaply. {@code Nd4j.create(buffer, shape, ...)}
 * builds a new native shape descriptor for every array (about 10 us); here one descriptor per shape
 * is cached and shared (descriptors are immutable; closing an array does not close it), and the
 * backend's {@code (DataBuffer, shapeInfo, long[])} constructor is called directly (about 0.1 us).
 * When the backend has no such constructor, arrays are made by {@code Nd4j.create}.
 */
final class ArrayShells {
  private static final ConcurrentHashMap<ShapeKey, ShapeInfo> SHAPES = new ConcurrentHashMap<>();
  private static final MethodHandle CONSTRUCTOR = findConstructor();

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
    if (CONSTRUCTOR != null) {
      try {
        return (INDArray) CONSTRUCTOR.invoke(data, shape.buffer(), shape.javaInfo());
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
    return Nd4j.create(data, shape.shape().clone(), ArrayUtil.calcStrides(shape.shape()), 0, 'c', DataType.FLOAT);
  }

  /** True when {@code array} is exactly a shell made by {@link #wrap} with {@code shape}'s descriptor. */
  static boolean hasDescriptor(INDArray array, ShapeInfo shape) {
    return array.shapeInfoDataBuffer() == shape.buffer();
  }

  private static MethodHandle findConstructor() {
    try {
      INDArray probe = Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f, 6f).reshape(2, 3);
      ShapeInfo info = float32(new long[] {2, 3});
      for (Constructor<?> c : probe.getClass().getConstructors()) {
        Class<?>[] p = c.getParameterTypes();
        if (p.length == 3 && p[0] == DataBuffer.class && p[1].isInstance(info.buffer()) && p[2] == long[].class) {
          MethodHandle h = MethodHandles.publicLookup().unreflectConstructor(c)
              .asType(MethodType.methodType(INDArray.class, DataBuffer.class, DataBuffer.class, long[].class));
          INDArray made = (INDArray) h.invoke(probe.dup('c').data(), info.buffer(), info.javaInfo());
          if (made.dataType() == DataType.FLOAT && made.ordering() == 'c'
              && Arrays.equals(made.shape(), new long[] {2, 3}) && made.getFloat(1, 2) == 6f) {
            return h;
          }
        }
      }
    } catch (Throwable e) {
      // fall back to Nd4j.create
    }
    return null;
  }

  /** One shape's descriptor: the native shape buffer and its Java copy. */
  record ShapeInfo(long[] shape, DataBuffer buffer, long[] javaInfo, long address, long length) {
    ShapeInfo(long[] shape, DataBuffer buffer, long[] javaInfo) {
      this(shape, buffer, javaInfo, buffer.address(), elements(shape));
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
      DataBuffer info = array.shapeInfoDataBuffer();
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
