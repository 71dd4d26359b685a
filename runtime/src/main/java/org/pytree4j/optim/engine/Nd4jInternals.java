package org.pytree4j.optim.engine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.common.primitives.AtomicBoolean;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ndarray.JvmShapeInfo;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.optim.kernels.UnsafeAccess;

/**
 * Every store into ND4J's private fields, and every use of its private counters, in one place. For
 * arrays and buffers made or released by the thousand, what ND4J's public ways cost is most of a
 * many-leaf step: a new array decodes its native shape descriptor, a new buffer registers with ND4J's
 * deallocator thread (which falls behind by millions under load), {@code setData} is a volatile store
 * (each waits for the array's cache line), and each takes an id from one contended counter. Here:
 * <ul>
 *   <li>arrays: the buffer, the shared native descriptor and its shared Java view stored into a new
 *       array as plain stores; arrays allocated without their constructor, given a block of ids at
 *       once; donated arrays pointed at a released buffer; their closed flag read without their buffer;</li>
 *   <li>buffers: a float32 buffer over a slab's memory allocated without its constructor and given
 *       exactly the field values ND4J's constructor gives (a native view the engine owns, an id from
 *       a block).</li>
 * </ul>
 * Whoever stores this way publishes the objects afterwards (a step returns them through a thread
 * join; {@link #publish} for the rest).
 *
 * <p>It is used only when ND4J is the version it was written against ({@value #ND4J_VERSION}, read from
 * the Maven metadata of nd4j-api and of the backend at start-up), ND4J's classes have exactly the
 * fields it expects, and the system property {@value #PROPERTY} is not {@code false}; the makers then
 * check on a probe that what they make behaves like ND4J's own ({@link ArrayShells}, {@link NativeViews}).
 * Otherwise {@link #ARRAYS} and {@link #BUFFERS} are false and the engine uses ND4J's public API only:
 * {@code Nd4j.createBuffer} for leaf buffers, the backend's public constructor for arrays,
 * {@code setData} to release donated arrays and {@code wasClosed} to see them: the same results, at
 * the cost of speed on trees of many leaves.
 */
public final class Nd4jInternals {
  /** Set it to {@code false} to use ND4J's public API only. */
  public static final String PROPERTY = "pytree4j.nd4j.internals";
  /** The ND4J version whose private fields this class was written against. */
  public static final String ND4J_VERSION = "1.0.0-M2.1";
  /** The ND4J version in use (nd4j-api's), or "unknown". */
  public static final String VERSION_IN_USE = mavenVersion("nd4j-api");
  /** True when the property allows it and every ND4J jar in use is of {@link #ND4J_VERSION}. */
  public static final boolean ALLOWED = Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
      && ND4J_VERSION.equals(VERSION_IN_USE) && backendVersionMatches();

  private static final MethodHandle PUT_OBJECT = UnsafeAccess.method("putObject",
      MethodType.methodType(void.class, Object.class, long.class, Object.class));
  private static final MethodHandle PUT_LONG = UnsafeAccess.method("putLong",
      MethodType.methodType(void.class, Object.class, long.class, long.class));
  private static final MethodHandle PUT_BOOLEAN = UnsafeAccess.method("putBoolean",
      MethodType.methodType(void.class, Object.class, long.class, boolean.class));
  private static final MethodHandle PUT_BYTE = UnsafeAccess.method("putByte",
      MethodType.methodType(void.class, Object.class, long.class, byte.class));
  private static final MethodHandle GET_BOOLEAN = UnsafeAccess.method("getBoolean",
      MethodType.methodType(boolean.class, Object.class, long.class));
  private static final MethodHandle ALLOCATE_INSTANCE = UnsafeAccess.method("allocateInstance",
      MethodType.methodType(Object.class, Class.class));

  // ---- arrays (BaseNDArray) ----

  private static final long DATA = arrayField("data", DataBuffer.class);
  private static final long SHAPE_INFORMATION = arrayField("shapeInformation", DataBuffer.class);
  private static final long JVM_SHAPE_INFO = arrayField("jvmShapeInfo", JvmShapeInfo.class);
  private static final long RELEASED = arrayField("released", boolean.class);
  private static final long ARRAY_ID = arrayField("arrayId", long.class);
  private static final long CLOSEABLE = arrayField("closeable", boolean.class);
  /** ND4J's counter that numbers arrays, or null when it cannot be had. */
  private static final AtomicLong ARRAY_COUNTER = ALLOWED ? staticCounter(BaseNDArray.class, "arrayCounter") : null;
  /** The backend's array class, as {@code Nd4j.create} makes them. */
  private static final Class<?> ARRAY_CLASS = Nd4j.createFromArray(1f).getClass();
  private static final MethodHandle NO_ARGUMENT_CONSTRUCTOR = noArgumentConstructor();

  /** True when arrays' buffer, descriptor and closed flag are written and read here. */
  public static final boolean ARRAYS = ALLOWED && PUT_OBJECT != null && GET_BOOLEAN != null && DATA >= 0
      && SHAPE_INFORMATION >= 0 && JVM_SHAPE_INFO >= 0 && RELEASED >= 0;
  /** True when new arrays can be made here with the no-argument constructor and {@link #ARRAYS}' stores. */
  static final boolean ARRAYS_BY_CONSTRUCTOR = ARRAYS && NO_ARGUMENT_CONSTRUCTOR != null;
  /** True when new arrays can also be allocated without their constructor, numbered from blocks of ids. */
  static final boolean ARRAYS_ALLOCATED = ARRAYS && PUT_LONG != null && PUT_BOOLEAN != null
      && ALLOCATE_INSTANCE != null && ARRAY_ID >= 0 && CLOSEABLE >= 0 && ARRAY_COUNTER != null;

  // ---- buffers (the backend's float32 buffer class) ----

  /** A buffer ND4J made over a pointer, as the new buffers are made over theirs. */
  private static final DataBuffer TEMPLATE = template();
  private static final Class<?> BUFFER_CLASS = TEMPLATE == null ? null : TEMPLATE.getClass();
  /** The instance fields of the buffer class (with its superclasses), by name, when they are exactly those expected. */
  private static final Map<String, Long> BUFFER_FIELDS = ALLOWED ? bufferFields() : null;
  private static final long TYPE_FIELD = bufferField("type");
  private static final long LENGTH = bufferField("length");
  private static final long UNDERLYING_LENGTH = bufferField("underlyingLength");
  private static final long ELEMENT_SIZE_FIELD = bufferField("elementSize");
  private static final long WRAPPED = bufferField("wrappedDataBuffer");
  private static final long GENERATION = bufferField("workspaceGenerationId");
  private static final long MODE = bufferField("allocationMode");
  private static final long INDEXER = bufferField("indexer");
  private static final long POINTER = bufferField("pointer");
  private static final long REFERENCED = bufferField("referenced");
  private static final long INSTANCE_ID = bufferField("instanceId");
  private static final long NATIVE_VIEW = bufferField("ptrDataBuffer");
  /**
   * ND4J's counter its buffer constructor takes each buffer's id from (one call, synchronized, and one
   * contended increment per buffer); here the ids of a lease's buffers are taken at once.
   */
  private static final AtomicLong BUFFER_IDS = BUFFER_FIELDS == null ? null : deallocatorCounter();
  /** What ND4J's constructor sets that is the same for every float32 buffer. */
  private static final Object TYPE = templateValue("type");
  private static final Object ALLOCATION_MODE = templateValue("allocationMode");
  private static final Object ELEMENT_SIZE_VALUE = templateValue("elementSize");
  private static final Object WORKSPACE_GENERATION_VALUE = templateValue("workspaceGenerationId");
  private static final byte ELEMENT_SIZE = ELEMENT_SIZE_VALUE instanceof Byte b ? b : 0;
  private static final long WORKSPACE_GENERATION = WORKSPACE_GENERATION_VALUE instanceof Long l ? l : 0;

  /** True when float32 buffers over the engine's memory can be made here (the caller still probes them). */
  public static final boolean BUFFERS = BUFFER_FIELDS != null && ALLOCATE_INSTANCE != null && PUT_OBJECT != null
      && PUT_LONG != null && PUT_BYTE != null && BUFFER_IDS != null && TYPE != null && ALLOCATION_MODE != null
      && ELEMENT_SIZE_VALUE instanceof Byte && WORKSPACE_GENERATION_VALUE instanceof Long;

  private Nd4jInternals() {}

  /** A line for logs and docs: which ND4J this is and whether its internals are used. */
  public static String describe() {
    String use = ARRAYS && BUFFERS ? "used" : "not used (ND4J's public API only)";
    return "ND4J " + VERSION_IN_USE + ", internals " + use
        + (ALLOWED ? "" : Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
            ? ": written against " + ND4J_VERSION : ": " + PROPERTY + "=false");
  }

  // ---- arrays ----

  /** Takes {@code count} array ids at once from ND4J's counter; the first is returned ({@link #ARRAYS_ALLOCATED}). */
  static long reserveArrayIds(int count) {
    return ARRAY_COUNTER.getAndAdd(count);
  }

  /**
   * A new array of the backend's class over {@code data}, with this descriptor and its Java view,
   * allocated without its constructor and given what the constructor sets: its id (one taken by
   * {@link #reserveArrayIds}) and closeable ({@link #ARRAYS_ALLOCATED}).
   */
  static INDArray allocateArray(DataBuffer data, DataBuffer shapeInfo, JvmShapeInfo jvmShapeInfo, long id)
      throws Throwable {
    BaseNDArray a = (BaseNDArray) (Object) ALLOCATE_INSTANCE.invokeExact(ARRAY_CLASS);
    PUT_LONG.invokeExact((Object) a, ARRAY_ID, id);
    PUT_BOOLEAN.invokeExact((Object) a, CLOSEABLE, true);
    setAll(a, data, shapeInfo, jvmShapeInfo);
    return a;
  }

  /** A new array of the backend's class by its no-argument constructor, then the stores ({@link #ARRAYS_BY_CONSTRUCTOR}). */
  static INDArray constructArray(DataBuffer data, DataBuffer shapeInfo, JvmShapeInfo jvmShapeInfo) throws Throwable {
    BaseNDArray a = (BaseNDArray) NO_ARGUMENT_CONSTRUCTOR.invokeExact();
    setAll(a, data, shapeInfo, jvmShapeInfo);
    return a;
  }

  private static void setAll(BaseNDArray a, DataBuffer data, DataBuffer shapeInfo, JvmShapeInfo jvmShapeInfo)
      throws Throwable {
    PUT_OBJECT.invokeExact((Object) a, DATA, (Object) data);
    PUT_OBJECT.invokeExact((Object) a, SHAPE_INFORMATION, (Object) shapeInfo);
    PUT_OBJECT.invokeExact((Object) a, JVM_SHAPE_INFO, (Object) jvmShapeInfo);
  }

  /**
   * {@code a.data = data}, as a plain store here, else ND4J's volatile {@code setData}; {@code a} is a
   * {@code BaseNDArray} ({@link Donation#canRelease}), typed as the interface so that the caller need
   * not cast, which would read the array's class.
   */
  static void setData(INDArray a, DataBuffer data) {
    if (!ARRAYS) {
      ((BaseNDArray) a).setData(data);
      return;
    }
    try {
      PUT_OBJECT.invokeExact((Object) a, DATA, (Object) data);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * True when the array was closed or donated: its own flag, read without loading its buffer, here;
   * else ND4J's {@code wasClosed()}, which also asks the buffer.
   */
  static boolean released(BaseNDArray a) {
    if (!ARRAYS) {
      return a.wasClosed();
    }
    try {
      return (boolean) GET_BOOLEAN.invokeExact((Object) a, RELEASED);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Makes the stores before it visible before any store after it. */
  static void publish() {
    VarHandle.releaseFence();
  }

  // ---- buffers ----

  /** Takes {@code count} buffer ids at once from ND4J's counter; the first is returned ({@link #BUFFERS}). */
  static long reserveBufferIds(int count) {
    return BUFFER_IDS.getAndAdd(count);
  }

  /**
   * A float32 buffer of {@code length} elements at {@code pointer} whose native view is
   * {@code nativeView} (an {@code OpaqueDataBuffer}) and whose id is {@code instanceId}, with every other
   * field as ND4J's constructor sets it ({@link #BUFFERS}).
   */
  static DataBuffer newFloatBuffer(FloatPointer pointer, long length, Object nativeView, long instanceId) {
    try {
      Object b = (Object) ALLOCATE_INSTANCE.invokeExact(BUFFER_CLASS);
      PUT_OBJECT.invokeExact(b, TYPE_FIELD, TYPE);
      PUT_LONG.invokeExact(b, LENGTH, length);
      PUT_LONG.invokeExact(b, UNDERLYING_LENGTH, length);
      PUT_BYTE.invokeExact(b, ELEMENT_SIZE_FIELD, ELEMENT_SIZE);
      PUT_OBJECT.invokeExact(b, WRAPPED, b);
      PUT_LONG.invokeExact(b, GENERATION, WORKSPACE_GENERATION);
      PUT_OBJECT.invokeExact(b, MODE, ALLOCATION_MODE);
      PUT_OBJECT.invokeExact(b, INDEXER, (Object) FloatIndexer.create(pointer));
      PUT_OBJECT.invokeExact(b, POINTER, (Object) pointer);
      PUT_OBJECT.invokeExact(b, REFERENCED, (Object) new AtomicBoolean(false));
      PUT_LONG.invokeExact(b, INSTANCE_ID, instanceId);
      PUT_OBJECT.invokeExact(b, NATIVE_VIEW, nativeView);
      return (DataBuffer) b;
    } catch (Throwable e) {
      throw new IllegalStateException("could not make a buffer over the optimizer's memory", e);
    }
  }

  /**
   * True when {@code made} has the values ND4J's constructor gives a buffer over a pointer in every
   * field but those that differ per buffer, for the buffer probe of {@link NativeViews}.
   */
  static boolean likeConstructed(DataBuffer made) throws ReflectiveOperationException {
    Set<String> perBuffer = Set.of("length", "underlyingLength", "wrappedDataBuffer", "indexer", "pointer",
        "referenced", "instanceId", "ptrDataBuffer");
    boolean same = true;
    for (String field : BUFFER_FIELDS.keySet()) {
      if (!perBuffer.contains(field)) {
        same &= java.util.Objects.equals(fieldValue(made, field), fieldValue(TEMPLATE, field));
      }
    }
    return same && fieldValue(made, "wrappedDataBuffer") == made && fieldValue(TEMPLATE, "wrappedDataBuffer") == TEMPLATE
        && ((AtomicBoolean) fieldValue(made, "referenced")).get() == ((AtomicBoolean) fieldValue(TEMPLATE, "referenced")).get();
  }

  /** A buffer's id, for probes. */
  static long bufferId(DataBuffer buffer) throws ReflectiveOperationException {
    return (long) fieldValue(buffer, "instanceId");
  }

  // ---- start-up ----

  private static String mavenVersion(String artifact) {
    try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/" + artifact + "/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The backend's jars, when their metadata is there, are of the same version. */
  private static boolean backendVersionMatches() {
    for (String backend : new String[] {"nd4j-native", "nd4j-native-api"}) {
      String v = mavenVersion(backend);
      if (!v.equals("unknown") && !v.equals(ND4J_VERSION)) {
        return false;
      }
    }
    return true;
  }

  private static long arrayField(String name, Class<?> type) {
    try {
      Field f = BaseNDArray.class.getDeclaredField(name);
      return f.getType() == type && !Modifier.isStatic(f.getModifiers()) ? UnsafeAccess.fieldOffset(f) : -1;
    } catch (NoSuchFieldException | RuntimeException e) {
      return -1;
    }
  }

  private static AtomicLong staticCounter(Class<?> owner, String name) {
    try {
      Field f = owner.getDeclaredField(name);
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != AtomicLong.class) {
        return null;
      }
      f.setAccessible(true);
      return (AtomicLong) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static AtomicLong deallocatorCounter() {
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

  private static MethodHandle noArgumentConstructor() {
    try {
      return MethodHandles.publicLookup()
          .findConstructor(ARRAY_CLASS, MethodType.methodType(void.class))
          .asType(MethodType.methodType(BaseNDArray.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static DataBuffer template() {
    try {
      FloatPointer p = new FloatPointer(1);
      return Nd4j.createBuffer(p, DataType.FLOAT, 1, FloatIndexer.create(p));
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * The offsets of the buffer class's instance fields, when they are exactly those of ND4J
   * {@value #ND4J_VERSION}'s CPU buffers (so that setting these leaves no field as the constructor
   * would not); else null.
   */
  private static Map<String, Long> bufferFields() {
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
    return offsets.keySet().equals(expected) ? Map.copyOf(offsets) : null;
  }

  private static long bufferField(String field) {
    Long offset = BUFFER_FIELDS == null ? null : BUFFER_FIELDS.get(field);
    return offset == null ? -1 : offset;
  }

  private static Object templateValue(String field) {
    if (BUFFER_FIELDS == null) {
      return null;
    }
    try {
      return fieldValue(TEMPLATE, field);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object fieldValue(Object target, String name) throws ReflectiveOperationException {
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
}
