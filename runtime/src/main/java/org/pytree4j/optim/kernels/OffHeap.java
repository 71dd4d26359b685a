package org.pytree4j.optim.kernels;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/**
 * Bulk copies between native memory (an ND4J buffer's address) and Java float arrays, through
 * {@code sun.misc.Unsafe.copyMemory} as JavaCPP's raw indexers do. Going through NIO instead would
 * cost a new {@code ByteBuffer} (about 1 us) per leaf and step. When it is missing ({@link UnsafeAccess}),
 * {@link #AVAILABLE} is false and optimizer steps run unfused.
 */
public final class OffHeap {
  public static final boolean AVAILABLE;
  private static final MethodHandle COPY;
  private static final long FLOAT_BASE;

  static {
    MethodHandle copy = UnsafeAccess.method("copyMemory",
        MethodType.methodType(void.class, Object.class, long.class, Object.class, long.class, long.class));
    MethodHandle baseOffset = UnsafeAccess.method("arrayBaseOffset", MethodType.methodType(int.class, Class.class));
    long base = -1;
    try {
      base = baseOffset == null ? -1 : (int) baseOffset.invokeExact(float[].class);
    } catch (Throwable e) {
      base = -1;
    }
    COPY = base < 0 ? null : copy;
    FLOAT_BASE = base;
    AVAILABLE = COPY != null;
  }

  private OffHeap() {}

  /** Copies {@code n} floats from native {@code address} into {@code dst[offset, offset + n)}. */
  public static void read(long address, float[] dst, int offset, int n) {
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
  public static void write(float[] src, int offset, long address, int n) {
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
