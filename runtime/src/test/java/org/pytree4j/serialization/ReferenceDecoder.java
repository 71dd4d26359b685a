package org.pytree4j.serialization;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fuzz test's oracle: Flax's msgpack_restore rules written the plain way (recursive, the whole
 * input in memory, no limits), with arrays kept as their dtype, shape and bytes. When the real
 * decoder returns a value for some bytes, this one must return the same value, compared through
 * {@link #canonical}. Inputs it rejects throw any exception.
 */
final class ReferenceDecoder {
  private static final MessagePack.UnpackerConfig STRICT_UTF8 = new MessagePack.UnpackerConfig()
      .withActionOnMalformedString(CodingErrorAction.REPORT)
      .withActionOnUnmappableString(CodingErrorAction.REPORT);

  /** An array as its numpy dtype name, shape and row-major bytes. */
  record Array(String dtype, List<Long> shape, String hexBytes) {}

  private ReferenceDecoder() {}

  static Object decode(byte[] bytes) throws IOException {
    try (MessageUnpacker unpacker = STRICT_UTF8.newUnpacker(bytes)) {
      Object value = read(unpacker);
      if (unpacker.hasNext()) {
        throw new IllegalArgumentException("data after the value");
      }
      return value;
    }
  }

  private static Object read(MessageUnpacker u) throws IOException {
    MessageFormat format = u.getNextFormat();
    switch (format.getValueType()) {
      case NIL:
        u.unpackNil();
        return null;
      case BOOLEAN:
        return u.unpackBoolean();
      case INTEGER:
        if (format == MessageFormat.UINT64) {
          BigInteger big = u.unpackBigInteger();
          return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        return u.unpackLong();
      case FLOAT:
        return format == MessageFormat.FLOAT32 ? (Object) u.unpackFloat() : (Object) u.unpackDouble();
      case STRING:
        return u.unpackString();
      case BINARY:
        return u.readPayload(u.unpackBinaryHeader());
      case ARRAY: {
        int n = u.unpackArrayHeader();
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(read(u));
        }
        return items;
      }
      case MAP: {
        int n = u.unpackMapHeader();
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object key = read(u);
          String k = key instanceof String s ? s : utf8((byte[]) key);
          if (map.containsKey(k)) {
            throw new IllegalArgumentException("duplicate key");
          }
          map.put(k, read(u));
        }
        return map.containsKey("__msgpack_chunked_array__") ? unchunk(map) : map;
      }
      default: {
        ExtensionTypeHeader header = u.unpackExtensionTypeHeader();
        byte[] payload = u.readPayload(header.getLength());
        return switch (header.getType()) {
          case 1 -> ndarray(payload, false);
          case 3 -> ndarray(payload, true);
          case 2 -> complex(payload);
          default -> throw new IllegalArgumentException("ext type " + header.getType());
        };
      }
    }
  }

  private static String utf8(byte[] bytes) throws IOException {
    return StandardUtf8.decode(bytes);
  }

  private static Object complex(byte[] payload) throws IOException {
    try (MessageUnpacker u = STRICT_UTF8.newUnpacker(payload)) {
      List<?> parts = (List<?>) read(u);
      if (u.hasNext() || parts.size() != 2) {
        throw new IllegalArgumentException("complex");
      }
      return new Complex(part(parts.get(0)), part(parts.get(1)));
    }
  }

  private static double part(Object part) {
    if (part instanceof Number n && !(part instanceof BigInteger)) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("complex part " + part);
  }

  private static Object ndarray(byte[] payload, boolean numpyScalar) throws IOException {
    // Flax reads this tuple with msgpack.unpackb(data, raw=True): str values are bytes, not text
    try (MessageUnpacker u = STRICT_UTF8.newUnpacker(payload)) {
      if (u.unpackArrayHeader() != 3) {
        throw new IllegalArgumentException("ndarray tuple");
      }
      List<Long> shape = new ArrayList<>();
      int rank = u.unpackArrayHeader();
      for (int i = 0; i < rank; i++) {
        Object dim = read(u);
        shape.add((Long) dim);
      }
      String dtype = utf8(rawBytes(u));
      byte[] bytes = rawBytes(u);
      if (u.hasNext()) {
        throw new IllegalArgumentException("ndarray tuple");
      }
      int itemSize = itemSize(dtype);
      long elements = 1;
      for (long dim : shape) {
        if (dim < 0) {
          throw new IllegalArgumentException("negative dim");
        }
        elements = Math.multiplyExact(elements, dim);
      }
      if (elements * itemSize != bytes.length) {
        throw new IllegalArgumentException("size");
      }
      if (numpyScalar && shape.isEmpty()) {
        return scalar(dtype, bytes);
      }
      if (dtype.startsWith("complex")) {
        throw new IllegalArgumentException("complex array");
      }
      return new Array(dtype, shape, HexFormat.of().formatHex(bytes));
    }
  }

  /** A str or bin value's bytes, undecoded. */
  private static byte[] rawBytes(MessageUnpacker u) throws IOException {
    MessageFormat format = u.getNextFormat();
    int length = format.getValueType() == org.msgpack.value.ValueType.STRING
        ? u.unpackRawStringHeader()
        : u.unpackBinaryHeader();
    return u.readPayload(length);
  }

  private static int itemSize(String dtype) {
    return switch (dtype) {
      case "float32", "int32", "uint32" -> 4;
      case "float64", "int64", "uint64", "complex64" -> 8;
      case "float16", "bfloat16", "int16", "uint16" -> 2;
      case "int8", "uint8", "bool" -> 1;
      case "complex128" -> 16;
      default -> throw new IllegalArgumentException("dtype " + dtype);
    };
  }

  private static Object scalar(String dtype, byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    return switch (dtype) {
      case "float32" -> b.getFloat();
      case "float64" -> b.getDouble();
      case "float16" -> halfToFloat(b.getShort());
      case "bfloat16" -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
      case "int8" -> b.get();
      case "int16" -> b.getShort();
      case "int32" -> b.getInt();
      case "int64" -> b.getLong();
      case "uint8" -> (short) (b.get() & 0xff);
      case "uint16" -> b.getShort() & 0xffff;
      case "uint32" -> b.getInt() & 0xffffffffL;
      case "uint64" -> {
        long bits = b.getLong();
        yield bits >= 0 ? (Object) bits : new BigInteger(Long.toUnsignedString(bits));
      }
      case "bool" -> b.get() != 0;
      case "complex64" -> new Complex(b.getFloat(), b.getFloat());
      default -> new Complex(b.getDouble(), b.getDouble());
    };
  }

  /** binary16 to float by its definition: (-1)^s * 2^(e-15) * 1.m, subnormals 2^-14 * 0.m. */
  private static float halfToFloat(short bits) {
    int sign = (bits >> 15) & 1;
    int exponent = (bits >> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    double magnitude;
    if (exponent == 0x1f) {
      magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else if (exponent == 0) {
      magnitude = Math.scalb(mantissa / 1024.0, -14);
    } else {
      magnitude = Math.scalb(1 + mantissa / 1024.0, exponent - 15);
    }
    return (float) (sign == 1 ? -magnitude : magnitude);
  }

  private static Object unchunk(Map<String, Object> map) {
    Map<?, ?> shapeDict = (Map<?, ?>) map.get("shape");
    Map<?, ?> chunkDict = (Map<?, ?>) map.get("chunks");
    List<Long> shape = new ArrayList<>();
    long elements = 1;
    for (int i = 0; i < shapeDict.size(); i++) {
      long dim = (Long) shapeDict.get(Integer.toString(i));
      if (dim < 0) {
        throw new IllegalArgumentException("negative dim");
      }
      shape.add(dim);
      elements = Math.multiplyExact(elements, dim);
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    String dtype = null;
    long total = 0;
    for (int i = 0; i < chunkDict.size(); i++) {
      Array chunk = (Array) chunkDict.get(Integer.toString(i));
      if (chunk.shape().size() != 1 || (dtype != null && !dtype.equals(chunk.dtype()))) {
        throw new IllegalArgumentException("chunk");
      }
      dtype = chunk.dtype();
      total += chunk.shape().get(0);
      data.writeBytes(HexFormat.of().parseHex(chunk.hexBytes()));
    }
    if (dtype == null || total != elements) {
      throw new IllegalArgumentException("chunks");
    }
    return new Array(dtype, shape, HexFormat.of().formatHex(data.toByteArray()));
  }

  /**
   * A form of a decoded value that compares equal exactly when two decoders agree: key order, Java
   * number types and bits, array dtype, shape and bytes.
   */
  static Object canonical(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Array array) {
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      List<Object> entries = new ArrayList<>();
      map.forEach((k, v) -> entries.add(List.of(k, canonical(v))));
      return List.of("dict", entries);
    }
    if (value instanceof List<?> list) {
      List<Object> items = new ArrayList<>();
      list.forEach(v -> items.add(canonical(v)));
      return List.of("list", items);
    }
    if (value instanceof INDArray array) {
      INDArray rowMajor = ArrayMemory.rowMajor(array);
      NumpyDtype dtype = NumpyDtype.of(array.dataType());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        ArrayMemory.copyOut(rowMajor, 0, rowMajor.length() * dtype.itemSize, new byte[1 << 16],
            (chunk, length) -> bytes.write(chunk, 0, length));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      List<Long> shape = new ArrayList<>();
      for (long dim : array.shape()) {
        shape.add(dim);
      }
      return new Array(dtype.numpyName, shape, HexFormat.of().formatHex(bytes.toByteArray()));
    }
    if (value instanceof Float f) {
      return "float32:" + Float.floatToIntBits(f);
    }
    if (value instanceof Double d) {
      return "float64:" + Double.doubleToLongBits(d);
    }
    if (value instanceof byte[] bytes) {
      return "bytes:" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof Complex c) {
      return "complex:" + Double.doubleToLongBits(c.real()) + "," + Double.doubleToLongBits(c.imag());
    }
    return value.getClass().getSimpleName() + ":" + value;
  }

  /** UTF-8 that rejects malformed input, as the decoder does. */
  private static final class StandardUtf8 {
    static String decode(byte[] bytes) throws java.nio.charset.CharacterCodingException {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    }
  }
}
