package org.pytree4j.serialization;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.KeyPath;

/**
 * Writes a state dict in Flax's msgpack format ({@code flax.serialization.msgpack_serialize}): maps
 * with string keys; arrays as ext type 1 holding the msgpack array {@code (shape, dtype name,
 * row-major bytes)}; Java number leaves as numpy scalars (ext type 3, same payload, shape
 * {@code ()}); {@link Complex} as ext type 2 holding {@code (real, imag)}; arrays larger than the
 * chunk size as Flax's {@code __msgpack_chunked_array__} maps.
 */
final class MsgpackEncoder {
  /** Flax's {@code MAX_CHUNK_SIZE}: arrays of more bytes than this are split into chunks. */
  static final long MAX_CHUNK_BYTES = 1L << 30;

  static final byte EXT_NDARRAY = 1;
  static final byte EXT_NATIVE_COMPLEX = 2;
  static final byte EXT_NPSCALAR = 3;
  static final String CHUNKED_MARKER = "__msgpack_chunked_array__";

  private final MessagePacker packer;
  private final long chunkBytes;
  private byte[] buffer;
  private final Map<NumpyDtype, byte[]> scalarPrefixes = new java.util.EnumMap<>(NumpyDtype.class);

  private MsgpackEncoder(MessagePacker packer, long chunkBytes) {
    this.packer = packer;
    this.chunkBytes = chunkBytes;
  }

  /**
   * Writes {@code stateDict} (maps, nulls and leaves, as built by {@link StateDicts#toStateDictValue})
   * after checking every leaf can be written, so nothing is written for a state that would fail.
   */
  static void write(Object stateDict, MessagePacker packer, long chunkBytes) throws IOException {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunk size must be positive: " + chunkBytes);
    }
    checkWritable(stateDict, KeyPath.root());
    new MsgpackEncoder(packer, chunkBytes).value(stateDict);
    packer.flush();
  }

  private static void checkWritable(Object value, KeyPath path) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        checkWritable(entry.getValue(), path.dict(String.valueOf(entry.getKey())));
      }
    } else if (value instanceof INDArray array) {
      if (NumpyDtype.of(array.dataType()) == null) {
        throw new InvalidTreeException(path, "cannot serialize the array at " + path.describe()
            + ": ND4J data type " + array.dataType() + " has no numpy dtype in Flax's format");
      }
    } else if (value != null && scalarDtype(value) == null && !(value instanceof Boolean)
        && !(value instanceof String) && !(value instanceof Complex) && !(value instanceof byte[])) {
      throw new InvalidTreeException(path, "cannot serialize the leaf at " + path.describe() + ": "
          + value.getClass().getName() + " is not one of INDArray, Float, Double, Integer, Long, Short,"
          + " Byte, Boolean, String, Complex, byte[]");
    }
  }

  private static NumpyDtype scalarDtype(Object value) {
    if (value instanceof Float) {
      return NumpyDtype.FLOAT32;
    } else if (value instanceof Double) {
      return NumpyDtype.FLOAT64;
    } else if (value instanceof Integer) {
      return NumpyDtype.INT32;
    } else if (value instanceof Long) {
      return NumpyDtype.INT64;
    } else if (value instanceof Short) {
      return NumpyDtype.INT16;
    } else if (value instanceof Byte) {
      return NumpyDtype.INT8;
    }
    return null;
  }

  private void value(Object value) throws IOException {
    if (value == null) {
      packer.packNil();
    } else if (value instanceof Map<?, ?> map) {
      packer.packMapHeader(map.size());
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        packer.packString((String) entry.getKey());
        value(entry.getValue());
      }
    } else if (value instanceof INDArray array) {
      array(array);
    } else if (value instanceof Boolean b) {
      packer.packBoolean(b);
    } else if (value instanceof String s) {
      packer.packString(s);
    } else if (value instanceof byte[] bytes) {
      packer.packBinaryHeader(bytes.length);
      packer.writePayload(bytes);
    } else if (value instanceof Complex c) {
      MessageBufferPacker payload = MessagePack.newDefaultBufferPacker();
      payload.packArrayHeader(2).packDouble(c.real()).packDouble(c.imag());
      byte[] bytes = payload.toByteArray();
      packer.packExtensionTypeHeader(EXT_NATIVE_COMPLEX, bytes.length);
      packer.writePayload(bytes);
    } else {
      scalar((Number) value, scalarDtype(value));
    }
  }

  private void scalar(Number value, NumpyDtype dtype) throws IOException {
    ByteBuffer data = ByteBuffer.allocate(dtype.itemSize).order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case FLOAT32 -> data.putFloat(value.floatValue());
      case FLOAT64 -> data.putDouble(value.doubleValue());
      case INT8 -> data.put(value.byteValue());
      case INT16 -> data.putShort(value.shortValue());
      case INT32 -> data.putInt(value.intValue());
      default -> data.putLong(value.longValue());
    }
    byte[] prefix = scalarPrefixes.computeIfAbsent(dtype, d -> arrayPayloadPrefix(new long[0], d, d.itemSize));
    packer.packExtensionTypeHeader(EXT_NPSCALAR, prefix.length + dtype.itemSize);
    packer.writePayload(prefix);
    packer.writePayload(data.array());
  }

  private void array(INDArray array) throws IOException {
    NumpyDtype dtype = NumpyDtype.of(array.dataType());
    INDArray rowMajor = ArrayMemory.rowMajor(array);
    long elements = rowMajor.length();
    long bytes = elements * dtype.itemSize;
    if (bytes <= chunkBytes) {
      arrayExt(rowMajor, dtype, rowMajor.shape(), 0, elements);
      return;
    }
    // As flax.serialization._chunk: a map of the shape and of flat chunks of chunk-size bytes.
    long chunkElements = Math.max(1, chunkBytes / dtype.itemSize);
    long[] shape = rowMajor.shape();
    packer.packMapHeader(3);
    packer.packString(CHUNKED_MARKER).packBoolean(true);
    packer.packString("shape").packMapHeader(shape.length);
    for (int i = 0; i < shape.length; i++) {
      packer.packString(Integer.toString(i)).packLong(shape[i]);
    }
    long chunks = (elements + chunkElements - 1) / chunkElements;
    packer.packString("chunks").packMapHeader(Math.toIntExact(chunks));
    for (long i = 0; i < chunks; i++) {
      long start = i * chunkElements;
      long count = Math.min(chunkElements, elements - start);
      packer.packString(Long.toString(i));
      arrayExt(rowMajor, dtype, new long[] {count}, start, count);
    }
  }

  private void arrayExt(INDArray rowMajor, NumpyDtype dtype, long[] shape, long firstElement, long elements)
      throws IOException {
    int bytes = Math.toIntExact(elements * dtype.itemSize);
    byte[] prefix = arrayPayloadPrefix(shape, dtype, bytes);
    packer.packExtensionTypeHeader(EXT_NDARRAY, Math.addExact(prefix.length, bytes));
    packer.writePayload(prefix);
    if (buffer == null) {
      buffer = new byte[ArrayMemory.COPY_BUFFER_BYTES];
    }
    ArrayMemory.copyOut(rowMajor, firstElement * dtype.itemSize, bytes, buffer,
        (chunk, length) -> packer.writePayload(chunk, 0, length));
  }

  /** The msgpack array {@code (shape, dtype name, bin)} up to the bin header, as numpy's tobytes follows. */
  private static byte[] arrayPayloadPrefix(long[] shape, NumpyDtype dtype, int dataBytes) {
    try (MessageBufferPacker prefix = MessagePack.newDefaultBufferPacker()) {
      prefix.packArrayHeader(3);
      prefix.packArrayHeader(shape.length);
      for (long dim : shape) {
        prefix.packLong(dim);
      }
      prefix.packString(dtype.numpyName);
      prefix.packBinaryHeader(dataBytes);
      return prefix.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // an in-memory packer does not fail
    }
  }
}
