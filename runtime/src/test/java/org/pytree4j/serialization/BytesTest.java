package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ExtensionValue;
import org.msgpack.value.Value;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.train.TrainState;

class BytesTest {

  @Test
  void float32ScalarIsANumpyScalarExactlyAsFlaxWritesIt() {
    byte[] bytes = Serialization.toBytes(Map.of("x", 1.5f));
    byte[] expected = {
        (byte) 0x81, (byte) 0xa1, 'x',                  // {'x':
        (byte) 0xd8, 3,                                 // fixext 16, type 3 (numpy scalar)
        (byte) 0x93, (byte) 0x90,                       // ((),
        (byte) 0xa7, 'f', 'l', 'o', 'a', 't', '3', '2', //  'float32',
        (byte) 0xc4, 4, 0, 0, (byte) 0xc0, 0x3f};       //  b'\x00\x00\xc0\x3f')}
    assertArrayEquals(expected, bytes);
  }

  @Test
  void arrayIsExt1WithShapeDtypeAndRowMajorBytes() throws IOException {
    INDArray fortran = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'f');
    Value ext = firstValue(Serialization.toBytes(Map.of("w", fortran)));
    ExtensionValue array = ext.asMapValue().map().values().iterator().next().asExtensionValue();
    assertEquals(1, array.getType());
    try (MessageUnpacker payload = MessagePack.newDefaultUnpacker(array.getData())) {
      List<Value> tuple = payload.unpackValue().asArrayValue().list();
      assertEquals("[2,3]", tuple.get(0).toJson());
      assertEquals("float32", tuple.get(1).asStringValue().asString());
      float[] values = new float[6];
      java.nio.ByteBuffer.wrap(tuple.get(2).asBinaryValue().asByteArray())
          .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      // 'f' order [[1, 3, 5], [2, 4, 6]] is written row-major, as numpy's tobytes('C')
      assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, values);
    }
  }

  @Test
  void roundTripsEveryLeafKind() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("f32", Nd4j.create(new float[] {0.5f, -1f, 3.25f}, 3));
    tree.put("f64", Nd4j.create(new double[][] {{1.0 / 3, 2}, {1e-300, -1e300}}));
    tree.put("bf16", Nd4j.create(new float[] {1.5f, -2f, 256f}, 3).castTo(DataType.BFLOAT16));
    tree.put("f16", Nd4j.create(new float[] {0.5f, -1.25f}, 2).castTo(DataType.HALF));
    tree.put("i8", Nd4j.create(new long[] {-128, 127}, new long[] {2}, DataType.BYTE));
    tree.put("u8", Nd4j.create(new long[] {0, 255}, new long[] {2}, DataType.UBYTE));
    tree.put("i32", Nd4j.create(new int[] {Integer.MIN_VALUE, 7}, new long[] {2}, DataType.INT));
    tree.put("i64", Nd4j.create(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, new long[] {2}, DataType.LONG));
    tree.put("bool", Nd4j.create(new boolean[] {true, false, true}, new long[] {3}, DataType.BOOL));
    tree.put("rank0", Nd4j.scalar(DataType.FLOAT, 2.5f));
    tree.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));
    tree.put("view", Nd4j.arange(12).reshape(3, 4).castTo(DataType.FLOAT)
        .get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(1, 3)));
    tree.put("float", 1.25f);
    tree.put("double", -0.1);
    tree.put("int", -7);
    tree.put("long", 1L << 40);
    tree.put("short", (short) 12);
    tree.put("byte", (byte) -3);
    tree.put("bool_leaf", true);
    tree.put("string", "adam");
    tree.put("bytes", new byte[] {1, 2, 3});
    tree.put("complex", new Complex(1.5, -2.5));
    tree.put("none", null);
    tree.put("list", Arrays.asList(1L, null, List.of()));

    Map<String, Object> restored = Serialization.fromBytes(tree, Serialization.toBytes(tree));
    for (Map.Entry<String, Object> entry : tree.entrySet()) {
      Object want = entry.getValue();
      Object got = restored.get(entry.getKey());
      if (want instanceof INDArray array) {
        INDArray back = (INDArray) got;
        assertEquals(array.dataType(), back.dataType(), entry.getKey());
        assertArrayEquals(array.shape(), back.shape(), entry.getKey());
        assertEquals(array, back, entry.getKey());
      } else if (want instanceof byte[] bytes) {
        assertArrayEquals(bytes, (byte[]) got);
      } else {
        assertEquals(want, got, entry.getKey());
        if (want != null && !(want instanceof List<?>)) {
          assertEquals(want.getClass(), got.getClass(), entry.getKey());
        }
      }
    }
  }

  @Test
  void trainStateRoundTripsThroughBytesAndStreams() throws IOException {
    TrainState<Map<String, Object>> saved = TestStates.trainState(42);
    TrainState<Map<String, Object>> fromBytes = Serialization.fromBytes(TestStates.trainState(0), Serialization.toBytes(saved));
    assertEquals(42L, fromBytes.step());
    assertEquals(saved.params(), fromBytes.params());
    AdamLikeState adam = (AdamLikeState) ((ChainLikeState) fromBytes.optState()).states().get(1);
    assertEquals(42, adam.count());
    assertEquals(TestStates.params(0.5), adam.mu());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Serialization.write(saved, out);
    assertArrayEquals(Serialization.toBytes(saved), out.toByteArray());
    TrainState<Map<String, Object>> fromStream =
        Serialization.read(TestStates.trainState(0), new ByteArrayInputStream(out.toByteArray()));
    assertEquals(saved.params(), fromStream.params());
  }

  @Test
  void arraysOverTheChunkSizeUseFlaxsChunkedForm() throws IOException {
    INDArray big = Nd4j.arange(35).castTo(DataType.FLOAT).reshape(5, 7);
    INDArray small = Nd4j.create(new float[] {1, -1}, 2);
    byte[] bytes = Serialization.toBytes(Map.of("big", big, "small", small), 64);

    Map<String, Value> root = new LinkedHashMap<>();
    firstValue(bytes).asMapValue().map().forEach((k, v) -> root.put(k.asStringValue().asString(), v));
    assertTrue(root.get("small").isExtensionValue());
    Map<String, Value> chunked = new LinkedHashMap<>();
    root.get("big").asMapValue().map().forEach((k, v) -> chunked.put(k.asStringValue().asString(), v));
    assertEquals(List.of("__msgpack_chunked_array__", "shape", "chunks"), new ArrayList<>(chunked.keySet()));
    assertTrue(chunked.get("__msgpack_chunked_array__").asBooleanValue().getBoolean());
    assertEquals("{\"0\":5,\"1\":7}", chunked.get("shape").toJson());
    List<Long> chunkLengths = new ArrayList<>();
    for (Value chunk : chunked.get("chunks").asMapValue().map().values()) {
      try (MessageUnpacker payload = MessagePack.newDefaultUnpacker(chunk.asExtensionValue().getData())) {
        chunkLengths.add(payload.unpackValue().asArrayValue().get(0).asArrayValue().get(0).asIntegerValue().toLong());
      }
    }
    assertEquals(List.of(16L, 16L, 3L), chunkLengths, "64 bytes / 4 per float32 = 16 elements a chunk");

    Map<String, Object> restored = Serialization.fromBytes(Map.of("big", Nd4j.zeros(5, 7), "small", Nd4j.zeros(2)), bytes);
    assertEquals(big, restored.get("big"));
    assertEquals(small, restored.get("small"));
  }

  @Test
  void unsupportedLeafFailsBeforeWritingAnything() {
    Map<String, Object> tree = Map.of("ok", 1.0f, "thread", Thread.currentThread());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InvalidTreeException e = assertThrows(InvalidTreeException.class, () -> Serialization.write(tree, out));
    assertTrue(e.getMessage().startsWith("cannot serialize the leaf at ['thread']: java.lang.Thread is not one of"),
        e.getMessage());
    assertEquals(0, out.size());
  }

  @Test
  void msgpackRestoreGivesTheRawStateDict() {
    Map<String, Object> raw = asMap(Serialization.msgpackRestore(Serialization.toBytes(TestStates.trainState(3))));
    assertEquals(3L, raw.get("step"));
    Map<String, Object> adam = asMap(asMap(raw.get("opt_state")).get("1"));
    assertEquals(3, adam.get("count"));
    assertNull(asMap(raw.get("opt_state")).get("missing"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }

  private static Value firstValue(byte[] bytes) throws IOException {
    try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
      return unpacker.unpackValue();
    }
  }
}
