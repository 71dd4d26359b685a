package org.pytree4j.optim;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ndarray.JvmShapeInfo;

/**
 * Plain access to the fields of ND4J's {@code BaseNDArray}: stores into its buffer, native descriptor
 * and Java view of the descriptor, and reads of its own closed flag. For arrays made or released by the thousand, what the public ways cost is
 * most of the work: {@code setData} is a volatile store (each one waits for the array's cache line),
 * and a {@code VarHandle} or setter checks the value against the field's interface type, which on
 * this JDK scans the class's interfaces every time. Whoever stores this way publishes the arrays
 * afterwards (a step returns them through a thread join; {@link #publish} for the rest).
 */
final class ArrayFields {
  private static final MethodHandle PUT = UnsafeAccess.method("putObject",
      MethodType.methodType(void.class, Object.class, long.class, Object.class));
  private static final long DATA = offset("data", DataBuffer.class);
  private static final long SHAPE_INFORMATION = offset("shapeInformation", DataBuffer.class);
  private static final long JVM_SHAPE_INFO = offset("jvmShapeInfo", JvmShapeInfo.class);
  private static final MethodHandle GET_BOOLEAN = UnsafeAccess.method("getBoolean",
      MethodType.methodType(boolean.class, Object.class, long.class));
  private static final long RELEASED = offset("released", boolean.class);
  private static final MethodHandle PUT_LONG = UnsafeAccess.method("putLong",
      MethodType.methodType(void.class, Object.class, long.class, long.class));
  private static final MethodHandle PUT_BOOLEAN = UnsafeAccess.method("putBoolean",
      MethodType.methodType(void.class, Object.class, long.class, boolean.class));
  private static final long ARRAY_ID = offset("arrayId", long.class);
  private static final long CLOSEABLE = offset("closeable", boolean.class);
  /** ND4J's counter that numbers arrays, or null when it cannot be had. */
  private static final AtomicLong ARRAY_COUNTER = arrayCounter();
  /** True when the fields were found; otherwise callers use ND4J's own ways. */
  static final boolean AVAILABLE = PUT != null && GET_BOOLEAN != null && DATA >= 0 && SHAPE_INFORMATION >= 0
      && JVM_SHAPE_INFO >= 0 && RELEASED >= 0;

  /**
   * True when the fields the no-argument constructor sets were found, and ND4J's counter it takes
   * each array's id from ({@link #constructed}).
   */
  static final boolean CONSTRUCTOR_FIELDS = AVAILABLE && PUT_LONG != null && PUT_BOOLEAN != null && ARRAY_ID >= 0
      && CLOSEABLE >= 0 && ARRAY_COUNTER != null;

  private ArrayFields() {}

  private static AtomicLong arrayCounter() {
    try {
      Field f = BaseNDArray.class.getDeclaredField("arrayCounter");
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != AtomicLong.class) {
        return null;
      }
      f.setAccessible(true);
      return (AtomicLong) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Takes {@code count} array ids at once from ND4J's counter; the first is returned. */
  static long reserveIds(int count) {
    return ARRAY_COUNTER.getAndAdd(count);
  }

  /**
   * Sets what the no-argument constructor sets on an array allocated without it, other than the
   * fields it leaves false (allocation zeroes them): its id (one taken by {@link #reserveIds}) and
   * closeable.
   */
  static void constructed(BaseNDArray a, long id) {
    try {
      PUT_LONG.invokeExact((Object) a, ARRAY_ID, id);
      PUT_BOOLEAN.invokeExact((Object) a, CLOSEABLE, true);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static long offset(String name, Class<?> type) {
    try {
      Field f = BaseNDArray.class.getDeclaredField(name);
      return f.getType() == type ? UnsafeAccess.fieldOffset(f) : -1;
    } catch (NoSuchFieldException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * {@code a.data = data} (ND4J's volatile {@code setData} when the fields were not found), for an
   * {@code a} that is a {@code BaseNDArray} ({@link Donation#canRelease}); typed as the interface so
   * that the caller need not cast, which would read the array's class.
   */
  static void setData(INDArray a, DataBuffer data) {
    if (AVAILABLE) {
      put(a, DATA, data);
    } else {
      ((BaseNDArray) a).setData(data);
    }
  }

  /**
   * The array's own closed flag, read without loading its buffer ({@code wasClosed()} also asks the
   * buffer); callers check {@link #AVAILABLE} first.
   */
  static boolean released(BaseNDArray a) {
    try {
      return (boolean) GET_BOOLEAN.invokeExact((Object) a, RELEASED);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets all three fields of a new array {@code a}. */
  static void setAll(BaseNDArray a, DataBuffer data, DataBuffer shapeInformation, JvmShapeInfo jvmShapeInfo) {
    put(a, DATA, data);
    put(a, SHAPE_INFORMATION, shapeInformation);
    put(a, JVM_SHAPE_INFO, jvmShapeInfo);
  }

  /** Makes the stores before it visible before any store after it. */
  static void publish() {
    java.lang.invoke.VarHandle.releaseFence();
  }

  private static void put(Object target, long offset, Object value) {
    try {
      PUT.invokeExact(target, offset, value);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
