package org.pytree4j.optim.kernels;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * {@code sun.misc.Unsafe}, looked up reflectively so that the runtime compiles without
 * internal-API warnings. Callers fall back to slower ways when it is missing.
 */
public final class UnsafeAccess {
  /** The instance, or null when this JVM has none. */
  private static final Object UNSAFE = find();

  private UnsafeAccess() {}

  private static Object find() {
    try {
      Field field = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
      field.setAccessible(true);
      return field.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** The instance method {@code name} of type {@code type}, bound to the instance; null when missing. */
  public static MethodHandle method(String name, MethodType type) {
    if (UNSAFE == null) {
      return null;
    }
    try {
      return MethodHandles.lookup().findVirtual(UNSAFE.getClass(), name, type).bindTo(UNSAFE);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** {@code objectFieldOffset} of {@code field}, or -1 when it cannot be had. */
  public static long fieldOffset(Field field) {
    MethodHandle offset = method("objectFieldOffset", MethodType.methodType(long.class, Field.class));
    try {
      return offset == null ? -1 : (long) offset.invokeExact(field);
    } catch (Throwable e) {
      return -1;
    }
  }
}
