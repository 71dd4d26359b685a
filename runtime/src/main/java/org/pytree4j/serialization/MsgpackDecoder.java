package org.pytree4j.serialization;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.TreeMismatchException;

/**
 * Reads Flax's msgpack format ({@code flax.serialization.msgpack_restore}) into a raw state dict:
 * maps with String keys in the order they were written ({@link InsertionOrderedMap}), with leaves
 * as {@link INDArray} (ext 1, and chunked arrays reassembled), Java numbers for numpy scalars (ext 3:
 * float32 as {@code Float}, int32 as {@code Integer} ...), {@link Complex} (ext 2), msgpack ints as
 * {@code Long} (or {@code BigInteger} above {@code Long.MAX_VALUE}), msgpack floats as
 * {@code Double}/{@code Float}, strings, booleans, {@code byte[]} and {@code null}.
 *
 * <p>Everything is checked while reading; any problem throws {@link StateDecodingException} naming
 * the key path. Nothing is returned unless the whole input was valid. Hostile input is read in
 * bounded memory and stack: every nested value (maps, lists, ext payloads, a complex number's
 * parts) counts toward one depth limit; a length claimed by a header is checked against the bytes
 * left when the input's length is known, and otherwise memory grows with the bytes that arrive.
 */
final class MsgpackDecoder {
  /** Far deeper than any state dict; deeper input is hostile and would overflow the stack. */
  static final int MAX_DEPTH = 1000;
  /**
   * From a stream of unknown length, a string, bytes or array of up to this size is allocated when
   * its header is read; a larger one grows as its bytes arrive, so a few bytes claiming gigabytes
   * allocate at most this much.
   */
  static final int STREAM_EAGER_BYTES = 1 << 20;
  /** ND4J's limit on an array's rank (libnd4j MAX_RANK); numpy allows 32 (64 since numpy 2). */
  static final int MAX_RANK = 32;

  private static final MessagePack.UnpackerConfig CONFIG = new MessagePack.UnpackerConfig();
  private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

  private final MessageUnpacker unpacker;
  /** Input length when known, to reject a declared size before allocating for it; -1 if unknown. */
  private final long inputLength;
  private byte[] buffer;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  private MsgpackDecoder(MessageUnpacker unpacker, long inputLength) {
    this.unpacker = unpacker;
    this.inputLength = inputLength;
  }

  static Object decode(byte[] bytes) {
    return decodeSubtree(bytes, List.of());
  }

  /**
   * Reads one state from {@code in} up to its end; does not close it. {@code length} is the number
   * of bytes left in {@code in} when known (a file), or -1.
   */
  static Object decode(InputStream in, long length) throws IOException {
    return decodeSubtree(in, length, List.of());
  }

  /** The subtree at {@code keys} of the state in {@code bytes}; the root for no keys. */
  static Object decodeSubtree(byte[] bytes, List<String> keys) {
    try (MessageUnpacker unpacker = CONFIG.newUnpacker(bytes)) {
      return new MsgpackDecoder(unpacker, bytes.length).document(keys);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // cannot happen for an in-memory input
    }
  }

  /** {@link #decodeSubtree(byte[], List)} from a stream; see {@link #decode(InputStream, long)}. */
  static Object decodeSubtree(InputStream in, long length, List<String> keys) throws IOException {
    MessageUnpacker unpacker = CONFIG.newUnpacker(in);
    return new MsgpackDecoder(unpacker, length).document(keys);
  }

  private Object document(List<String> keys) throws IOException {
    Object root = keys.isEmpty() ? value(KeyPath.root()) : find(KeyPath.root(), keys, 0);
    if (guard(KeyPath.root(), unpacker::hasNext)) {
      throw new StateDecodingException(KeyPath.root(),
          "unexpected data after the state dict (at byte " + unpacker.getTotalReadBytes() + ")");
    }
    return root;
  }

  /**
   * Reads the map at {@code path} to its end, decoding the value of {@code keys[level]} (and below
   * it, the rest of the path) and skipping every other value without building it.
   */
  private Object find(KeyPath path, List<String> keys, int level) throws IOException {
    MessageFormat format = nextFormat(path);
    if (format.getValueType() != ValueType.MAP) {
      throw new TreeMismatchException(path, "the state dict has no " + describe(keys) + ": the value at "
          + Values.path(path) + " is a msgpack " + format.getValueType() + ", not a dict");
    }
    long size = containerHeader(path, format, 2);
    String wanted = keys.get(level);
    KeyPath below = path.dict(wanted);
    Object found = null;
    boolean seen = false;
    List<String> others = new ArrayList<>();
    for (long i = 0; i < size; i++) {
      String key = key(path);
      if (key.equals(wanted)) {
        if (seen) {
          throw new StateDecodingException(path, "duplicate key '" + Values.abbreviate(wanted) + "'");
        }
        seen = true;
        found = level + 1 == keys.size() ? value(below) : find(below, keys, level + 1);
      } else {
        if (others.size() < 20) {
          others.add(key);
        }
        skip(path.dict(key));
      }
    }
    if (!seen) {
      throw new TreeMismatchException(path, "the state dict has no " + describe(keys) + ": the dict at "
          + Values.path(path) + " has no key '" + Values.abbreviate(wanted) + "' (its keys: " + Values.quoted(others)
          + (size > others.size() + 1 ? " ..." : "") + ")");
    }
    return found;
  }

  private static String describe(List<String> keys) {
    KeyPath path = KeyPath.root();
    for (String key : keys) {
      path = path.dict(key);
    }
    return Values.path(path);
  }

  private interface Step<T> {
    T run() throws IOException;
  }

  /** Runs one msgpack read, turning msgpack-java's exceptions into messages with the key path. */
  private static <T> T guard(KeyPath path, Step<T> step) throws IOException {
    try {
      return step.run();
    } catch (MessageInsufficientBufferException e) {
      throw new StateDecodingException(path, "the input ends early (truncated bytes)", e);
    } catch (MessagePackException e) {
      throw new StateDecodingException(path, "malformed msgpack: " + e.getMessage(), e);
    } catch (java.io.EOFException e) {
      throw new StateDecodingException(path, "the input ends early (truncated bytes)", e);
    }
  }

  /** The format of the next value; never {@link MessageFormat#NEVER_USED}, which has no value type. */
  private MessageFormat nextFormat(KeyPath path) throws IOException {
    MessageFormat format = guard(path, unpacker::getNextFormat);
    if (format == MessageFormat.NEVER_USED) {
      throw new StateDecodingException(path, "malformed msgpack: byte 0xc1 at byte "
          + unpacker.getTotalReadBytes() + " is never used");
    }
    return format;
  }

  /**
   * Reads the value at {@code path} and everything nested in it, in one loop over an explicit stack
   * of open containers: the JVM stack stays the same however deep the input nests.
   */
  private Object value(KeyPath path) throws IOException {
    ArrayDeque<Container> open = new ArrayDeque<>();
    KeyPath next = path;
    while (true) {
      Object value = begin(next, open);
      while (value != PENDING) {
        Container top = open.peek();
        if (top == null) {
          return value;
        }
        top.add(value);
        if (--top.remaining > 0) {
          break;
        }
        open.pop();
        value = top.finish();
      }
      next = open.peek().nextPath();
    }
  }

  /** What {@link #begin} returns when it opened a container instead of reading a whole value. */
  private static final Object PENDING = new Object();

  /**
   * Reads a scalar, array or numpy scalar whole; for a non-empty list, map or complex number, reads
   * its header and pushes it on {@code open} (counting toward the depth limit) and returns PENDING.
   */
  private Object begin(KeyPath path, ArrayDeque<Container> open) throws IOException {
    if (open.size() + 1 > MAX_DEPTH) {
      throw new StateDecodingException(path.parent(), "nested more than " + MAX_DEPTH + " levels deep");
    }
    MessageFormat format = nextFormat(path);
    switch (format.getValueType()) {
      case NIL:
        return guard(path, () -> {
          unpacker.unpackNil();
          return null;
        });
      case BOOLEAN:
        return guard(path, unpacker::unpackBoolean);
      case INTEGER:
        return integer(path, format);
      case FLOAT:
        return format == MessageFormat.FLOAT32
            ? (Object) guard(path, unpacker::unpackFloat)
            : (Object) guard(path, unpacker::unpackDouble);
      case STRING:
        return utf8(path, payload(path, format));
      case BINARY:
        return payload(path, format);
      case ARRAY: {
        long size = containerHeader(path, format, 1);
        if (size == 0) {
          return List.of();
        }
        open.push(new ListContainer(path, size));
        return PENDING;
      }
      case MAP: {
        long size = containerHeader(path, format, 2);
        if (size == 0) {
          return new InsertionOrderedMap(new LinkedHashMap<>());
        }
        open.push(new MapContainer(path, size));
        return PENDING;
      }
      default:
        return extension(path, format, open);
    }
  }

  /** A list, map or complex number being read: its children arrive one by one. */
  private abstract static class Container {
    final KeyPath path;
    long remaining;

    Container(KeyPath path, long remaining) {
      this.path = path;
      this.remaining = remaining;
    }

    /** The path of the next child (a map reads its key here). */
    abstract KeyPath nextPath() throws IOException;

    abstract void add(Object child);

    /** The container once all its children have arrived. */
    abstract Object finish() throws IOException;
  }

  private final class ListContainer extends Container {
    private final List<Object> items = new ArrayList<>();

    ListContainer(KeyPath path, long size) {
      super(path, size);
    }

    @Override
    KeyPath nextPath() {
      return path.index(items.size());
    }

    @Override
    void add(Object child) {
      items.add(child);
    }

    @Override
    Object finish() {
      return Collections.unmodifiableList(items);
    }
  }

  private final class MapContainer extends Container {
    private final LinkedHashMap<String, Object> entries = new LinkedHashMap<>();
    private String key;

    MapContainer(KeyPath path, long size) {
      super(path, size);
    }

    @Override
    KeyPath nextPath() throws IOException {
      key = key(path);
      if (entries.containsKey(key)) {
        throw new StateDecodingException(path, "duplicate key '" + Values.abbreviate(key) + "'");
      }
      return path.dict(key);
    }

    @Override
    void add(Object child) {
      entries.put(key, child);
    }

    @Override
    Object finish() {
      if (entries.containsKey(MsgpackEncoder.CHUNKED_MARKER)) {
        return unchunk(path, entries);
      }
      return new InsertionOrderedMap(entries);
    }
  }

  /** Ext type 2: Python's complex as the msgpack array (real, imag). */
  private final class ComplexContainer extends Container {
    private final long start;
    private final int extLength;
    private final double[] parts = new double[2];
    private int count;

    ComplexContainer(KeyPath path, long start, int extLength) {
      super(path, 2);
      this.start = start;
      this.extLength = extLength;
    }

    @Override
    KeyPath nextPath() {
      return path;
    }

    @Override
    void add(Object part) {
      if (!(part instanceof Number n) || part instanceof BigInteger) {
        throw new StateDecodingException(path, "a complex number's parts must be numbers, found " + Values.describe(part));
      }
      parts[count++] = n.doubleValue();
    }

    @Override
    Object finish() {
      requireExtLength(path, MsgpackEncoder.EXT_NATIVE_COMPLEX, extLength, start);
      return new Complex(parts[0], parts[1]);
    }
  }

  private Object integer(KeyPath path, MessageFormat format) throws IOException {
    if (format == MessageFormat.UINT64) {
      BigInteger value = guard(path, unpacker::unpackBigInteger);
      return value.compareTo(MAX_LONG) <= 0 ? (Object) value.longValue() : value;
    }
    return guard(path, unpacker::unpackLong);
  }

  /**
   * Reads a length header (str, bin, ext, array or map) and checks its claim: within msgpack-java's
   * limit of 2<sup>31</sup>-1, and, when the input's length is known, within the bytes left, each
   * of the {@code claimed} items needing at least {@code bytesPerItem} bytes.
   */
  private <T> T header(KeyPath path, MessageFormat format, Step<T> read, java.util.function.ToLongFunction<T> claim,
      int bytesPerItem) throws IOException {
    String unit = format.getValueType() == ValueType.ARRAY || format.getValueType() == ValueType.MAP ? " entries" : " bytes";
    long at = unpacker.getTotalReadBytes();
    T header;
    try {
      header = guard(path, read);
    } catch (StateDecodingException e) {
      if (e.getCause() instanceof MessageSizeException size) {
        throw new StateDecodingException(path, "the " + name(format) + " header at byte " + at + " claims "
            + size.getSize() + unit + ", more than the 2147483647 a msgpack"
            + " value can hold; " + available(at), e.getCause());
      }
      throw e;
    }
    long claimed = claim.applyAsLong(header);
    if (inputLength >= 0 && claimed * bytesPerItem > inputLength - unpacker.getTotalReadBytes()) {
      throw new StateDecodingException(path, "the input ends early (truncated bytes): the " + name(format)
          + " header at byte " + at + " claims " + claimed + unit
          + " but " + (inputLength - unpacker.getTotalReadBytes()) + " bytes remain");
    }
    return header;
  }

  private String available(long at) {
    return inputLength >= 0
        ? "the input has " + (inputLength - at) + " bytes from there"
        : "the stream's length is unknown (" + at + " bytes read)";
  }

  private static String name(MessageFormat format) {
    return format.name().toLowerCase(Locale.ROOT);
  }

  /** An array or map header: its count, checked as {@link #header} does (map entries need 2 bytes each). */
  private long containerHeader(KeyPath path, MessageFormat format, int bytesPerItem) throws IOException {
    Step<Integer> read = format.getValueType() == ValueType.MAP ? unpacker::unpackMapHeader : unpacker::unpackArrayHeader;
    return header(path, format, read, Integer::longValue, bytesPerItem);
  }

  /** The payload of a str or bin value. */
  private byte[] payload(KeyPath path, MessageFormat format) throws IOException {
    Step<Integer> read = format.getValueType() == ValueType.STRING
        ? unpacker::unpackRawStringHeader
        : unpacker::unpackBinaryHeader;
    int length = header(path, format, read, Integer::longValue, 1);
    return bytes(path, length);
  }

  /** The next {@code length} bytes; from a stream of unknown length, allocated as they arrive. */
  private byte[] bytes(KeyPath path, int length) throws IOException {
    if (inputLength >= 0 || length <= STREAM_EAGER_BYTES) {
      return guard(path, () -> unpacker.readPayload(length));
    }
    byte[] out = new byte[STREAM_EAGER_BYTES];
    int filled = 0;
    while (filled < length) {
      if (filled == out.length) {
        out = Arrays.copyOf(out, (int) Math.min(length, 2L * out.length));
      }
      int offset = filled;
      int count = Math.min(out.length, length) - filled;
      byte[] target = out;
      guard(path, () -> {
        unpacker.readPayload(target, offset, count);
        return null;
      });
      filled += count;
    }
    return out;
  }

  private String utf8(KeyPath path, byte[] bytes) {
    try {
      return utf8.reset().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new StateDecodingException(path, "a string is not valid UTF-8", e);
    }
  }

  private String key(KeyPath path) throws IOException {
    MessageFormat format = nextFormat(path);
    return switch (format.getValueType()) {
      case STRING, BINARY -> utf8(path, payload(path, format));
      default -> throw new StateDecodingException(path,
          "a state dict key must be a string, found a msgpack " + format.getValueType());
    };
  }

  /**
   * Skips the next value without building it: one loop over a count of values still to skip, so
   * nesting takes no stack, and no payload is allocated.
   */
  private void skip(KeyPath path) throws IOException {
    long pending = 1;
    while (pending > 0) {
      pending--;
      MessageFormat format = nextFormat(path);
      switch (format.getValueType()) {
        case ARRAY -> pending += containerHeader(path, format, 1);
        case MAP -> pending += 2 * containerHeader(path, format, 2);
        case STRING, BINARY -> {
          Step<Integer> read = format.getValueType() == ValueType.STRING
              ? unpacker::unpackRawStringHeader
              : unpacker::unpackBinaryHeader;
          skipBytes(path, header(path, format, read, Integer::longValue, 1));
        }
        case EXTENSION -> skipBytes(path, header(path, format, unpacker::unpackExtensionTypeHeader,
            ExtensionTypeHeader::getLength, 1).getLength());
        default -> guard(path, () -> {
          unpacker.skipValue();
          return null;
        });
      }
    }
  }

  private void skipBytes(KeyPath path, int count) throws IOException {
    if (buffer == null) {
      buffer = new byte[ArrayMemory.COPY_BUFFER_BYTES];
    }
    for (int done = 0; done < count; ) {
      int n = Math.min(buffer.length, count - done);
      guard(path, () -> {
        unpacker.readPayload(buffer, 0, n);
        return null;
      });
      done += n;
    }
  }

  private Object extension(KeyPath path, MessageFormat format, ArrayDeque<Container> open) throws IOException {
    ExtensionTypeHeader header = header(path, format, unpacker::unpackExtensionTypeHeader,
        ExtensionTypeHeader::getLength, 1);
    long start = unpacker.getTotalReadBytes();
    switch (header.getType()) {
      case MsgpackEncoder.EXT_NDARRAY, MsgpackEncoder.EXT_NPSCALAR -> {
        Object value = ndarray(path, header.getLength(), header.getType() == MsgpackEncoder.EXT_NPSCALAR);
        requireExtLength(path, header.getType(), header.getLength(), start);
        return value;
      }
      case MsgpackEncoder.EXT_NATIVE_COMPLEX -> {
        MessageFormat pair = nextFormat(path);
        if (pair.getValueType() != ValueType.ARRAY) {
          throw new StateDecodingException(path, "a complex number (ext type 2) must be (real, imag), found a msgpack "
              + pair.getValueType());
        }
        long size = containerHeader(path, pair, 1);
        if (size != 2) {
          throw new StateDecodingException(path, "a complex number (ext type 2) must be (real, imag), found "
              + size + " items");
        }
        open.push(new ComplexContainer(path, start, header.getLength()));
        return PENDING;
      }
      default -> throw new StateDecodingException(path, "unknown msgpack ext type " + header.getType()
          + " (Flax uses 1 = ndarray, 2 = complex, 3 = numpy scalar)");
    }
  }

  private void requireExtLength(KeyPath path, byte type, int extLength, long start) {
    long used = unpacker.getTotalReadBytes() - start;
    if (used != extLength) {
      throw new StateDecodingException(path, "ext type " + type + " declares " + extLength
          + " bytes but its content is " + used + " bytes");
    }
  }

  /** Ext 1 or 3: the msgpack array (shape, dtype name, row-major bytes). */
  private Object ndarray(KeyPath path, int extLength, boolean numpyScalar) throws IOException {
    String what = numpyScalar ? "numpy scalar (ext type 3)" : "array (ext type 1)";
    MessageFormat tupleFormat = nextFormat(path);
    if (tupleFormat.getValueType() != ValueType.ARRAY) {
      throw new StateDecodingException(path, "an " + what + " must hold (shape, dtype, bytes), found a msgpack "
          + tupleFormat.getValueType());
    }
    long items = containerHeader(path, tupleFormat, 1);
    if (items != 3) {
      throw new StateDecodingException(path, "an " + what + " must hold (shape, dtype, bytes), found "
          + items + " items");
    }
    MessageFormat shapeFormat = nextFormat(path);
    if (shapeFormat.getValueType() != ValueType.ARRAY) {
      throw new StateDecodingException(path, "an " + what + "'s shape must be a list of integers, found a msgpack "
          + shapeFormat.getValueType());
    }
    long rank = containerHeader(path, shapeFormat, 1);
    if (rank > extLength) {
      throw new StateDecodingException(path, "an " + what + " declares rank " + rank + " in " + extLength + " bytes");
    }
    if (rank > MAX_RANK) {
      throw new StateDecodingException(path, "an " + what + " has rank " + rank + ", over ND4J's limit of " + MAX_RANK);
    }
    long[] shape = new long[(int) rank];
    for (int i = 0; i < rank; i++) {
      MessageFormat dimFormat = nextFormat(path);
      if (dimFormat.getValueType() != ValueType.INTEGER) {
        throw new StateDecodingException(path, "an " + what + " shape must hold non-negative integers");
      }
      Object dim = integer(path, dimFormat);
      if (!(dim instanceof Long d)) {
        throw new StateDecodingException(path, "array size overflows");
      }
      shape[i] = d;
      if (shape[i] < 0) {
        throw new StateDecodingException(path, "an " + what + " has a negative dimension: " + Arrays.toString(shape));
      }
    }
    long elements = elements(path, shape);
    NumpyDtype dtype = dtype(path);
    MessageFormat dataFormat = nextFormat(path);
    Step<Integer> readData = switch (dataFormat.getValueType()) {
      case BINARY -> unpacker::unpackBinaryHeader;
      case STRING -> unpacker::unpackRawStringHeader; // msgpack < 1.0 wrote bytes as raw str
      default -> throw new StateDecodingException(path, "an " + what + "'s data must be bytes, found a msgpack "
          + dataFormat.getValueType());
    };
    long dataAt = unpacker.getTotalReadBytes();
    int dataBytes;
    try {
      dataBytes = guard(path, readData);
    } catch (StateDecodingException e) {
      if (e.getCause() instanceof MessageSizeException size) {
        throw new StateDecodingException(path, "the " + name(dataFormat) + " header at byte " + dataAt + " claims "
            + size.getSize() + " bytes, more than the 2147483647 a msgpack value can hold; " + available(dataAt),
            e.getCause());
      }
      throw e;
    }
    long expectedBytes = multiplyDims(path, elements, dtype.itemSize);
    if (expectedBytes != dataBytes) {
      throw new StateDecodingException(path, "shape " + Arrays.toString(shape) + " with dtype "
          + dtype.numpyName + " needs " + expectedBytes + " bytes but the data holds " + dataBytes);
    }
    if (inputLength >= 0 && dataBytes > inputLength - unpacker.getTotalReadBytes()) {
      throw new StateDecodingException(path, "the input ends early (truncated bytes): the " + name(dataFormat)
          + " header at byte " + dataAt + " claims " + dataBytes + " bytes but "
          + (inputLength - unpacker.getTotalReadBytes()) + " bytes remain");
    }
    if (numpyScalar && rank == 0) {
      return scalar(dtype, guard(path, () -> unpacker.readPayload(dataBytes)));
    }
    if (dtype.isComplex()) {
      throw new StateDecodingException(path, "dtype " + dtype.numpyName
          + " arrays are not supported: ND4J has no complex arrays (complex scalars are)");
    }
    if (buffer == null) {
      buffer = new byte[ArrayMemory.COPY_BUFFER_BYTES];
    }
    ArrayMemory.Source source = (chunk, length) -> guard(path, () -> {
      unpacker.readPayload(chunk, 0, length);
      return null;
    });
    if (inputLength < 0 && dataBytes > STREAM_EAGER_BYTES) {
      return ArrayMemory.copyInAsItArrives(dtype, shape, dataBytes, buffer, source);
    }
    return ArrayMemory.copyIn(dtype, shape, dataBytes, buffer, source);
  }

  /**
   * The element count of {@code shape}, checked so that neither it nor any stride ND4J computes
   * (the product of the non-zero dimensions) overflows a long.
   */
  private static long elements(KeyPath path, long[] shape) {
    long elements = 1;
    long strides = 1;
    for (long dim : shape) {
      elements = multiplyDims(path, elements, dim);
      strides = multiplyDims(path, strides, Math.max(1, dim)); // only to fail on overflow
    }
    return elements;
  }

  private static long multiplyDims(KeyPath path, long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new StateDecodingException(path, "array size overflows");
    }
  }

  private NumpyDtype dtype(KeyPath path) throws IOException {
    MessageFormat format = nextFormat(path);
    String name = switch (format.getValueType()) {
      case STRING, BINARY -> utf8(path, payload(path, format));
      default -> throw new StateDecodingException(path, "an array's dtype must be a name, found a msgpack "
          + format.getValueType());
    };
    NumpyDtype dtype = NumpyDtype.byName(name);
    if (dtype == null) {
      throw new StateDecodingException(path, "unsupported dtype '" + Values.abbreviate(name) + "' (supported: "
          + NumpyDtype.supportedNames() + ")");
    }
    return dtype;
  }

  /** A numpy scalar as the Java value of the same width: float32 -> Float, int32 -> Integer ... */
  private static Object scalar(NumpyDtype dtype, byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    return switch (dtype) {
      case FLOAT32 -> b.getFloat();
      case FLOAT64 -> b.getDouble();
      case FLOAT16 -> HalfFloats.halfToFloat(b.getShort());
      case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
      case INT8 -> b.get();
      case INT16 -> b.getShort();
      case INT32 -> b.getInt();
      case INT64 -> b.getLong();
      case UINT8 -> (short) (b.get() & 0xff);
      case UINT16 -> b.getShort() & 0xffff;
      case UINT32 -> b.getInt() & 0xffffffffL;
      case UINT64 -> {
        long bits = b.getLong();
        yield bits >= 0 ? (Object) bits : new BigInteger(Long.toUnsignedString(bits));
      }
      case BOOL -> b.get() != 0;
      case COMPLEX64 -> new Complex(b.getFloat(), b.getFloat());
      case COMPLEX128 -> new Complex(b.getDouble(), b.getDouble());
    };
  }

  /** flax.serialization._unchunk: {'__msgpack_chunked_array__', 'shape': {'0': d0 ..}, 'chunks': {'0': a0 ..}}. */
  private static INDArray unchunk(KeyPath path, Map<String, Object> entries) {
    Object shapeDict = entries.get("shape");
    Object chunksDict = entries.get("chunks");
    if (!(shapeDict instanceof Map<?, ?> shapeMap) || !(chunksDict instanceof Map<?, ?> chunkMap)) {
      throw new StateDecodingException(path, "a chunked array needs 'shape' and 'chunks' dicts, found keys "
          + Values.quoted(entries.keySet()));
    }
    if (shapeMap.size() > MAX_RANK) {
      throw new StateDecodingException(path.dict("shape"), "a chunked array has rank " + shapeMap.size()
          + ", over ND4J's limit of " + MAX_RANK);
    }
    long[] shape = new long[shapeMap.size()];
    for (int i = 0; i < shape.length; i++) {
      Object dim = shapeMap.get(Integer.toString(i));
      if (!(dim instanceof Long d) || d < 0) {
        throw new StateDecodingException(path.dict("shape"), "a chunked array's shape must map '0', '1' ..."
            + " to non-negative integers, found " + Values.describe(shapeMap));
      }
      shape[i] = d;
    }
    long elements = elements(path, shape);
    List<INDArray> chunks = new ArrayList<>(chunkMap.size());
    NumpyDtype dtype = null;
    long total = 0;
    for (int i = 0; i < chunkMap.size(); i++) {
      KeyPath chunkPath = path.dict("chunks").dict(Integer.toString(i));
      Object chunk = chunkMap.get(Integer.toString(i));
      if (!(chunk instanceof INDArray array) || array.rank() != 1) {
        throw new StateDecodingException(chunkPath, "a chunk must be a 1-D array, found " + Values.describe(chunk));
      }
      NumpyDtype chunkDtype = NumpyDtype.of(array.dataType());
      if (dtype != null && chunkDtype != dtype) {
        throw new StateDecodingException(chunkPath, "chunks mix dtypes " + dtype.numpyName + " and "
            + chunkDtype.numpyName);
      }
      dtype = chunkDtype;
      chunks.add(array);
      total += array.length();
    }
    if (dtype == null) {
      throw new StateDecodingException(path.dict("chunks"), "a chunked array has no chunks");
    }
    if (total != elements) {
      throw new StateDecodingException(path, "chunks hold " + total + " elements but shape "
          + Arrays.toString(shape) + " needs " + elements);
    }
    return ArrayMemory.concatenate(dtype, shape, chunks);
  }
}
