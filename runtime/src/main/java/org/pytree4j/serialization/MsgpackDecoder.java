package org.pytree4j.serialization;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;

/**
 * Reads Flax's msgpack format ({@code flax.serialization.msgpack_restore}) into a raw state dict:
 * {@code Map<String, Object>} (insertion-ordered, unmodifiable), with leaves as {@link INDArray}
 * (ext 1, and chunked arrays reassembled), Java numbers for numpy scalars (ext 3: float32 as
 * {@code Float}, int32 as {@code Integer} ...), {@link Complex} (ext 2), msgpack ints as
 * {@code Long} (or {@code BigInteger} above {@code Long.MAX_VALUE}), msgpack floats as
 * {@code Double}/{@code Float}, strings, booleans, {@code byte[]} and {@code null}.
 *
 * <p>Everything is checked while reading; any problem throws {@link StateDecodingException} naming
 * the key path. Nothing is returned unless the whole input was valid.
 */
final class MsgpackDecoder {
  private static final MessagePack.UnpackerConfig CONFIG = new MessagePack.UnpackerConfig();
  /** Far deeper than any state dict; deeper input is hostile and would overflow the stack. */
  private static final int MAX_DEPTH = 1000;
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
    try (MessageUnpacker unpacker = CONFIG.newUnpacker(bytes)) {
      return new MsgpackDecoder(unpacker, bytes.length).document();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // cannot happen for an in-memory input
    }
  }

  /** Reads one state from {@code in} up to its end; does not close it. */
  static Object decode(java.io.InputStream in) throws IOException {
    MessageUnpacker unpacker = CONFIG.newUnpacker(in);
    return new MsgpackDecoder(unpacker, -1).document();
  }

  private Object document() throws IOException {
    Object root = value(KeyPath.root());
    if (guard(KeyPath.root(), unpacker::hasNext)) {
      throw new StateDecodingException(KeyPath.root(),
          "unexpected data after the state dict (at byte " + unpacker.getTotalReadBytes() + ")");
    }
    return root;
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
      throw new StateDecodingException(path, "malformed msgpack: byte 0xc1 is never used");
    }
    return format;
  }

  private Object value(KeyPath path) throws IOException {
    if (path.size() > MAX_DEPTH) {
      throw new StateDecodingException(path.parent(), "nested more than " + MAX_DEPTH + " levels deep");
    }
    MessageFormat format = nextFormat(path);
    ValueType type = format.getValueType();
    return switch (type) {
      case NIL -> guard(path, () -> {
        unpacker.unpackNil();
        return null;
      });
      case BOOLEAN -> guard(path, unpacker::unpackBoolean);
      case INTEGER -> integer(path, format);
      case FLOAT -> format == MessageFormat.FLOAT32
          ? (Object) guard(path, unpacker::unpackFloat)
          : (Object) guard(path, unpacker::unpackDouble);
      case STRING -> string(path);
      case BINARY -> binary(path);
      case ARRAY -> list(path);
      case MAP -> map(path);
      case EXTENSION -> extension(path);
    };
  }

  private Object integer(KeyPath path, MessageFormat format) throws IOException {
    if (format == MessageFormat.UINT64) {
      BigInteger value = guard(path, unpacker::unpackBigInteger);
      return value.compareTo(MAX_LONG) <= 0 ? (Object) value.longValue() : value;
    }
    return guard(path, unpacker::unpackLong);
  }

  private String string(KeyPath path) throws IOException {
    int length = guard(path, unpacker::unpackRawStringHeader);
    return utf8(path, payload(path, length));
  }

  private byte[] binary(KeyPath path) throws IOException {
    int length = guard(path, unpacker::unpackBinaryHeader);
    return payload(path, length);
  }

  private byte[] payload(KeyPath path, int length) throws IOException {
    requireAvailable(path, length);
    return guard(path, () -> unpacker.readPayload(length));
  }

  private String utf8(KeyPath path, byte[] bytes) {
    try {
      return utf8.reset().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new StateDecodingException(path, "a string is not valid UTF-8", e);
    }
  }

  private void requireAvailable(KeyPath path, long length) {
    if (inputLength >= 0 && unpacker.getTotalReadBytes() + length > inputLength) {
      throw new StateDecodingException(path, "the input ends early (truncated bytes): "
          + length + " bytes declared at byte " + unpacker.getTotalReadBytes() + " of " + inputLength);
    }
  }

  private List<Object> list(KeyPath path) throws IOException {
    int size = guard(path, unpacker::unpackArrayHeader);
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      items.add(value(path.index(i)));
    }
    return Collections.unmodifiableList(items);
  }

  private Object map(KeyPath path) throws IOException {
    int size = guard(path, unpacker::unpackMapHeader);
    Map<String, Object> entries = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      MessageFormat keyFormat = nextFormat(path);
      String key = switch (keyFormat.getValueType()) {
        case STRING -> string(path);
        case BINARY -> utf8(path, binary(path));
        default -> throw new StateDecodingException(path,
            "a state dict key must be a string, found a msgpack " + keyFormat.getValueType());
      };
      if (entries.containsKey(key)) {
        throw new StateDecodingException(path, "duplicate key '" + key + "'");
      }
      entries.put(key, value(path.dict(key)));
    }
    if (entries.containsKey(MsgpackEncoder.CHUNKED_MARKER)) {
      return unchunk(path, entries);
    }
    return Collections.unmodifiableMap(entries);
  }

  private Object extension(KeyPath path) throws IOException {
    ExtensionTypeHeader header = guard(path, unpacker::unpackExtensionTypeHeader);
    long start = unpacker.getTotalReadBytes();
    requireAvailable(path, header.getLength());
    Object value = switch (header.getType()) {
      case MsgpackEncoder.EXT_NDARRAY -> ndarray(path, header.getLength(), false);
      case MsgpackEncoder.EXT_NPSCALAR -> ndarray(path, header.getLength(), true);
      case MsgpackEncoder.EXT_NATIVE_COMPLEX -> complex(path);
      default -> throw new StateDecodingException(path, "unknown msgpack ext type " + header.getType()
          + " (Flax uses 1 = ndarray, 2 = complex, 3 = numpy scalar)");
    };
    long used = unpacker.getTotalReadBytes() - start;
    if (used != header.getLength()) {
      throw new StateDecodingException(path, "ext type " + header.getType() + " declares "
          + header.getLength() + " bytes but its content is " + used + " bytes");
    }
    return value;
  }

  private Complex complex(KeyPath path) throws IOException {
    int size = guard(path, unpacker::unpackArrayHeader);
    if (size != 2) {
      throw new StateDecodingException(path, "a complex number (ext type 2) must be (real, imag), found "
          + size + " items");
    }
    return new Complex(real(path), real(path));
  }

  private double real(KeyPath path) throws IOException {
    Object part = value(path);
    if (part instanceof Number n && !(part instanceof BigInteger)) {
      return n.doubleValue();
    }
    throw new StateDecodingException(path, "a complex number's parts must be numbers, found " + Values.describe(part));
  }

  /** Ext 1 or 3: the msgpack array (shape, dtype name, row-major bytes). */
  private Object ndarray(KeyPath path, int extLength, boolean numpyScalar) throws IOException {
    String what = numpyScalar ? "numpy scalar (ext type 3)" : "array (ext type 1)";
    int items = guard(path, unpacker::unpackArrayHeader);
    if (items != 3) {
      throw new StateDecodingException(path, "an " + what + " must hold (shape, dtype, bytes), found "
          + items + " items");
    }
    int rank = guard(path, unpacker::unpackArrayHeader);
    if (rank > extLength) {
      throw new StateDecodingException(path, "an " + what + " declares rank " + rank + " in " + extLength + " bytes");
    }
    long[] shape = new long[rank];
    long elements = 1;
    for (int i = 0; i < rank; i++) {
      MessageFormat dimFormat = nextFormat(path);
      if (dimFormat.getValueType() != ValueType.INTEGER || dimFormat == MessageFormat.UINT64) {
        throw new StateDecodingException(path, "an " + what + " shape must hold non-negative integers");
      }
      shape[i] = guard(path, unpacker::unpackLong);
      if (shape[i] < 0) {
        throw new StateDecodingException(path, "an " + what + " has a negative dimension: " + Arrays.toString(shape));
      }
      elements = multiplyDims(path, elements, shape[i]);
    }
    NumpyDtype dtype = dtype(path);
    MessageFormat dataFormat = nextFormat(path);
    int dataBytes = switch (dataFormat.getValueType()) {
      case BINARY -> guard(path, unpacker::unpackBinaryHeader);
      case STRING -> guard(path, unpacker::unpackRawStringHeader); // msgpack < 1.0 wrote bytes as raw str
      default -> throw new StateDecodingException(path, "an " + what + "'s data must be bytes, found a msgpack "
          + dataFormat.getValueType());
    };
    long expectedBytes = multiplyDims(path, elements, dtype.itemSize);
    if (expectedBytes != dataBytes) {
      throw new StateDecodingException(path, "shape " + Arrays.toString(shape) + " with dtype "
          + dtype.numpyName + " needs " + expectedBytes + " bytes but the data holds " + dataBytes);
    }
    requireAvailable(path, dataBytes);
    if (numpyScalar && rank == 0) {
      byte[] data = guard(path, () -> unpacker.readPayload(dataBytes));
      return scalar(dtype, data);
    }
    if (dtype.isComplex()) {
      throw new StateDecodingException(path, "dtype " + dtype.numpyName
          + " arrays are not supported: ND4J has no complex arrays (complex scalars are)");
    }
    if (buffer == null) {
      buffer = new byte[ArrayMemory.COPY_BUFFER_BYTES];
    }
    return ArrayMemory.copyIn(dtype, shape, dataBytes, buffer,
        (chunk, length) -> guard(path, () -> {
          unpacker.readPayload(chunk, 0, length);
          return null;
        }));
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
      case STRING -> string(path);
      case BINARY -> utf8(path, binary(path));
      default -> throw new StateDecodingException(path, "an array's dtype must be a name, found a msgpack "
          + format.getValueType());
    };
    NumpyDtype dtype = NumpyDtype.byName(name);
    if (dtype == null) {
      throw new StateDecodingException(path, "unsupported dtype '" + name + "' (supported: "
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
          + entries.keySet());
    }
    long[] shape = new long[shapeMap.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      Object dim = shapeMap.get(Integer.toString(i));
      if (!(dim instanceof Long d) || d < 0) {
        throw new StateDecodingException(path.dict("shape"), "a chunked array's shape must map '0', '1' ..."
            + " to non-negative integers, found " + shapeMap);
      }
      shape[i] = d;
      elements = multiplyDims(path, elements, d);
    }
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
