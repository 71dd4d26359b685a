package org.pytree4j.optim;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * Bulk copies between native memory (an ND4J buffer's address) and Java float arrays, through
 * {@code sun.misc.Unsafe.copyMemory} as JavaCPP's raw indexers do. Going through NIO instead would
 * cost a new {@code ByteBuffer} (about 1 us) per leaf and step. Looked up reflectively so that the
 * runtime compiles without internal-API warnings; when it is missing, {@link #AVAILABLE} is false
 * and optimizer steps run unfused.
 */
final class OffHeap {
  static final boolean AVAILABLE;
  private static final MethodHandle COPY;
  private static final long FLOAT_BASE;

  static {
    MethodHandle copy = null;
    long base = 0;
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Object unsafe = field.get(null);
      copy = MethodHandles.lookup()
          .findVirtual(unsafeClass, "copyMemory",
              MethodType.methodType(void.class, Object.class, long.class, Object.class, long.class, long.class))
          .bindTo(unsafe);
      base = ((Number) unsafeClass.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, float[].class)).longValue();
    } catch (ReflectiveOperationException | RuntimeException e) {
      copy = null;
    }
    COPY = copy;
    FLOAT_BASE = base;
    AVAILABLE = copy != null;
  }

  private OffHeap() {}

  /** Copies {@code n} floats from native {@code address} into {@code dst[offset, offset + n)}. */
  static void read(long address, float[] dst, int offset, int n) {
    if (offset < 0 || n < 0 || offset + n > dst.length) {
      throw new IndexOutOfBoundsException(offset + "+" + n + " > " + dst.length);
    }
    try {
      COPY.invokeExact((Object) null, address, (Object) dst, FLOAT_BASE + 4L * offset, 4L * n);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies {@code src[offset, offset + n)} to native {@code address}. */
  static void write(float[] src, int offset, long address, int n) {
    if (offset < 0 || n < 0 || offset + n > src.length) {
      throw new IndexOutOfBoundsException(offset + "+" + n + " > " + src.length);
    }
    try {
      COPY.invokeExact((Object) src, FLOAT_BASE + 4L * offset, (Object) null, address, 4L * n);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
