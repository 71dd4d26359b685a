package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.KeyPath;
import org.pytree4j.train.TrainState;

/**
 * Restores the files runtime/src/test/python/make_fixtures.py wrote with Python's msgpack following
 * flax.serialization.to_bytes; the expected values are that script's formulas.
 */
class FlaxFixturesTest {

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = FlaxFixturesTest.class.getResourceAsStream("/flax-fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource flax-fixtures/" + name);
      }
      return in.readAllBytes();
    }
  }

  /** A target of the right kinds and shapes for {@code arrays.msgpack}, all zeros. */
  static Map<String, Object> arraysTarget() {
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("b16", Nd4j.zeros(DataType.BFLOAT16, 4));
    target.put("bool", Nd4j.zeros(DataType.BOOL, 3));
    target.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));
    target.put("f16", Nd4j.zeros(DataType.HALF, 5));
    target.put("f32", Nd4j.zeros(DataType.FLOAT, 2, 3));
    target.put("f64", Nd4j.zeros(DataType.DOUBLE, 2, 2));
    target.put("i32", Nd4j.zeros(DataType.INT, 4));
    target.put("i64", Nd4j.zeros(DataType.LONG, 3));
    target.put("i8", Nd4j.zeros(DataType.BYTE, 2));
    target.put("scalar_array", Nd4j.scalar(DataType.FLOAT, 0f));
    target.put("u8", Nd4j.zeros(DataType.UBYTE, 2));
    return target;
  }

  /** A target of the right Java types for {@code scalars.msgpack}, all zeros. */
  static Map<String, Object> scalarsTarget() {
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("np_f32", 0f);
    target.put("np_f64", 0.0);
    target.put("np_i32", 0);
    target.put("np_i64", 0L);
    target.put("np_bool", false);
    target.put("np_f16", 0f);
    target.put("np_c64", new Complex(0, 0));
    target.put("py_int", 0);
    target.put("py_float", 0f);
    target.put("py_bool", true);
    target.put("py_str", "");
    target.put("py_none", null);
    target.put("py_complex", new Complex(0, 0));
    target.put("py_list", Arrays.asList(0L, 0.0));
    target.put("big_int", BigInteger.ZERO);
    return target;
  }

  @Test
  void arraysOfEveryDtypeRestoreAndReEncodeToTheSameBytes() throws IOException {
    byte[] bytes = fixture("arrays.msgpack");
    Map<String, Object> target = arraysTarget();

    Map<String, Object> restored = Serialization.fromBytes(target, bytes);

    assertValues(restored, "b16", DataType.BFLOAT16, new long[] {4}, 1.5, -2.0, 0.15625, 256.0);
    assertValues(restored, "bool", DataType.BOOL, new long[] {3}, 1, 0, 1);
    assertValues(restored, "empty", DataType.FLOAT, new long[] {0, 3});
    assertValues(restored, "f16", DataType.HALF, new long[] {5}, 0.5, -1.25, 65504, Math.pow(2, -14), Math.pow(2, -24));
    assertValues(restored, "f32", DataType.FLOAT, new long[] {2, 3}, -1, -0.5, 0, 0.5, 1, 1.5);
    assertValues(restored, "f64", DataType.DOUBLE, new long[] {2, 2}, 1.0 / 3, 2.0 / 3, 1e-300, -1e300);
    assertValues(restored, "i8", DataType.BYTE, new long[] {2}, -128, 127);
    assertValues(restored, "u8", DataType.UBYTE, new long[] {2}, 0, 255);
    assertValues(restored, "scalar_array", DataType.FLOAT, new long[0], 2.5);
    INDArray i32 = (INDArray) restored.get("i32");
    assertEquals(DataType.INT, i32.dataType());
    assertArrayEquals(new int[] {Integer.MIN_VALUE, 0, 7, Integer.MAX_VALUE}, i32.toIntVector());
    INDArray i64 = (INDArray) restored.get("i64");
    assertEquals(DataType.LONG, i64.dataType());
    assertArrayEquals(new long[] {Long.MIN_VALUE, 1L << 40, Long.MAX_VALUE}, i64.toLongVector());

    assertArrayEquals(bytes, Serialization.toBytes(restored), "Java writes the bytes Python wrote");
  }

  @Test
  void flaxTrainStateWithAnOptaxChainRestoresIntoAJavaTrainState() throws IOException {
    TrainState<Map<String, Object>> restored =
        Serialization.fromBytes(TestStates.trainState(0), fixture("train_state.msgpack"));

    assertEquals(42L, restored.step(), "a jnp int32 step of shape () becomes the long component");
    assertEquals(TestStates.params(1), restored.params());
    List<?> chain = ((ChainLikeState) restored.optState()).states();
    assertEquals(new EmptyLikeState(), chain.get(0));
    AdamLikeState adam = (AdamLikeState) chain.get(1);
    assertEquals(42, adam.count(), "Optax's int32 count array becomes the int component");
    assertEquals(TestStates.params(0.5), adam.mu());
    assertEquals(TestStates.params(0.25), adam.nu());
    assertEquals(TestStates.TX, restored.tx(), "static components come from the target");
  }

  @Test
  void theParamsAloneRestoreFromAFlaxTrainStateWithoutTheOptimizerStatesTypes() throws IOException {
    byte[] bytes = fixture("train_state.msgpack");
    KeyPath params = KeyPath.root().dict("params");
    assertEquals(TestStates.params(1), Serialization.fromBytes(TestStates.params(0), bytes, params));
    assertEquals(TestStates.params(1), Serialization.read(TestStates.params(0),
        new java.io.ByteArrayInputStream(bytes), bytes.length, params));
    assertEquals(TestStates.params(0.25), Serialization.fromBytes(TestStates.params(0), bytes,
        KeyPath.root().dict("opt_state").dict("1").dict("nu")));
    assertEquals(42, (int) Serialization.fromBytes(0, bytes, KeyPath.root().dict("opt_state").index(1).dict("count")),
        "Optax's int32 count array of shape () into an int");
  }

  @Test
  void numpyScalarsAndPythonValuesRestoreIntoJavaTypes() throws IOException {
    Map<String, Object> target = scalarsTarget();

    Map<String, Object> restored = Serialization.fromBytes(target, fixture("scalars.msgpack"));

    assertEquals(1.5f, restored.get("np_f32"));
    assertEquals(-0.25, restored.get("np_f64"));
    assertEquals(-7, restored.get("np_i32"));
    assertEquals(1L << 40, restored.get("np_i64"));
    assertEquals(true, restored.get("np_bool"));
    assertEquals(0.5f, restored.get("np_f16"));
    assertEquals(new Complex(1, 2), restored.get("np_c64"));
    assertEquals(3, restored.get("py_int"));
    assertEquals(0.125f, restored.get("py_float"));
    assertEquals(false, restored.get("py_bool"));
    assertEquals("adam", restored.get("py_str"));
    assertNull(restored.get("py_none"));
    assertEquals(new Complex(1.5, -2.5), restored.get("py_complex"));
    assertEquals(List.of(1L, 2.5), restored.get("py_list"));
    assertEquals(new BigInteger("18446744073709551615"), restored.get("big_int"));
  }

  @Test
  void rawStateDictKeepsNumpyScalarWidths() throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = (Map<String, Object>) Serialization.msgpackRestore(fixture("scalars.msgpack"));
    assertEquals(Float.class, raw.get("np_f32").getClass());
    assertEquals(Double.class, raw.get("np_f64").getClass());
    assertEquals(Integer.class, raw.get("np_i32").getClass());
    assertEquals(Long.class, raw.get("np_i64").getClass());
    assertEquals(Long.class, raw.get("py_int").getClass(), "a Python int is a plain msgpack int");
    assertEquals(Double.class, raw.get("py_float").getClass());
    assertEquals(Map.of("0", 1L, "1", 2.5), raw.get("py_list"), "lists are dicts keyed '0', '1'");
  }

  @Test
  void aNumberOutOfTheTargetsRangeNamesItsKey() throws IOException {
    Map<String, Object> target = scalarsTarget();
    target.put("big_int", 0L);
    InvalidTreeException e = assertThrows(InvalidTreeException.class,
        () -> Serialization.fromBytes(target, fixture("scalars.msgpack")));
    assertEquals(KeyPath.root().dict("big_int"), e.path());
    assertEquals("cannot restore ['big_int']: 18446744073709551615 does not fit the target's Long", e.getMessage());
  }

  @Test
  void chunkedArraysRestoreAndJavaChunksTheSameWay() throws IOException {
    byte[] bytes = fixture("chunked.msgpack");
    Map<String, Object> target = Map.of(
        "big", Nd4j.zeros(DataType.FLOAT, 5, 7),
        "ints", Nd4j.zeros(DataType.LONG, 3, 3),
        "small", Nd4j.zeros(DataType.FLOAT, 2));
    Map<String, Object> restored = Serialization.fromBytes(target, bytes);

    double[] big = new double[35];
    for (int i = 0; i < big.length; i++) {
      big[i] = i / 4.0;
    }
    assertValues(restored, "big", DataType.FLOAT, new long[] {5, 7}, big);
    assertValues(restored, "ints", DataType.LONG, new long[] {3, 3}, -4, -3, -2, -1, 0, 1, 2, 3, 4);
    assertValues(restored, "small", DataType.FLOAT, new long[] {2}, 1, -1);

    assertArrayEquals(bytes, Serialization.toBytes(restored, 64), "same chunk layout as Flax with MAX_CHUNK_SIZE = 64");
  }

  private static void assertValues(Map<String, Object> tree, String key, DataType dtype, long[] shape, double... values) {
    INDArray array = (INDArray) tree.get(key);
    assertEquals(dtype, array.dataType(), key);
    assertArrayEquals(shape, array.shape(), key);
    double[] got = new double[(int) array.length()];
    for (int i = 0; i < got.length; i++) {
      got[i] = array.rank() == 0 ? array.getDouble(0) : array.reshape(array.length()).getDouble(i);
    }
    assertArrayEquals(values, got, 0.0, key);
  }
}
