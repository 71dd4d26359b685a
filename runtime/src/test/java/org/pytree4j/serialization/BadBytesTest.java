package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.KeyPath;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.train.TrainState;

class BadBytesTest {
  private static final KeyPath PARAMS_W = KeyPath.root().dict("params").dict("w");
  private static final Map<String, Object> W_TARGET = Map.of("params", Map.of("w", Nd4j.zeros(DataType.FLOAT, 2)));

  @Test
  void everyTruncationIsReportedAsTruncated() {
    byte[] bytes = Serialization.toBytes(TestStates.trainState(7));
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      StateDecodingException e = assertThrows(StateDecodingException.class,
          () -> Serialization.fromBytes(TestStates.trainState(0), cut), "prefix of " + length + " bytes");
      assertTrue(e.getMessage().contains("the input ends early (truncated bytes)"), e.getMessage());
    }
  }

  @Test
  void truncatedArrayNamesItsKey() {
    byte[] bytes = Serialization.toBytes(Map.of("params", Map.of("w", Nd4j.create(new float[] {1, 2}, 2))));
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.fromBytes(W_TARGET, Arrays.copyOf(bytes, bytes.length - 3)));
    assertEquals(PARAMS_W, e.path());
  }

  @Test
  void unknownExtType() throws IOException {
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.fromBytes(W_TARGET, FlaxFixturesTest.fixture("invalid/unknown_ext.msgpack")));
    assertEquals("invalid Flax msgpack bytes at ['params']['w']: unknown msgpack ext type 7"
        + " (Flax uses 1 = ndarray, 2 = complex, 3 = numpy scalar)", e.getMessage());
    assertEquals(PARAMS_W, e.path());
  }

  @Test
  void unsupportedDtypeName() throws IOException {
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.fromBytes(W_TARGET, FlaxFixturesTest.fixture("invalid/unsupported_dtype.msgpack")));
    assertTrue(e.getMessage().startsWith("invalid Flax msgpack bytes at ['params']['w']: unsupported dtype 'float128'"
        + " (supported: float32, float64, float16, bfloat16,"), e.getMessage());
  }

  @Test
  void complexArraysHaveNoNd4jType() throws IOException {
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.fromBytes(W_TARGET, FlaxFixturesTest.fixture("invalid/complex_array.msgpack")));
    assertEquals("invalid Flax msgpack bytes at ['params']['w']: dtype complex64 arrays are not supported:"
        + " ND4J has no complex arrays (complex scalars are)", e.getMessage());
  }

  @Test
  void shapeThatDoesNotMatchTheByteCount() throws IOException {
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.fromBytes(W_TARGET, FlaxFixturesTest.fixture("invalid/shape_mismatch.msgpack")));
    assertEquals("invalid Flax msgpack bytes at ['params']['w']: shape [2, 3] with dtype float32 needs 24 bytes"
        + " but the data holds 20", e.getMessage());
  }

  @Test
  void bytesAfterTheStateAreRejected() {
    byte[] bytes = Serialization.toBytes(Map.of("a", 1L));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.fromBytes(Map.of("a", 0L), longer));
    assertTrue(e.getMessage().contains("unexpected data after the state dict"), e.getMessage());
  }

  @Test
  void nonStringKeysAndDuplicateKeys() throws IOException {
    MessageBufferPacker intKey = MessagePack.newDefaultBufferPacker();
    intKey.packMapHeader(1).packString("params").packMapHeader(1).packInt(3).packNil();
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.msgpackRestore(intKey.toByteArray()));
    assertEquals("invalid Flax msgpack bytes at ['params']: a state dict key must be a string, found a msgpack INTEGER",
        e.getMessage());

    MessageBufferPacker duplicate = MessagePack.newDefaultBufferPacker();
    duplicate.packMapHeader(2).packString("a").packNil().packString("a").packNil();
    assertThrows(StateDecodingException.class, () -> Serialization.msgpackRestore(duplicate.toByteArray()));
  }

  @Test
  void absurdNestingIsRejectedNotAStackOverflow() throws IOException {
    MessageBufferPacker deep = MessagePack.newDefaultBufferPacker();
    for (int i = 0; i < 100_000; i++) {
      deep.packMapHeader(1).packString("a");
    }
    deep.packNil();
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.msgpackRestore(deep.toByteArray()));
    assertTrue(e.getMessage().endsWith("nested more than 1000 levels deep"), e.getMessage());
  }

  @Test
  void aHugeDeclaredArrayIsRejectedBeforeAllocating() throws IOException {
    MessageBufferPacker payload = MessagePack.newDefaultBufferPacker();
    payload.packArrayHeader(3).packArrayHeader(2).packLong(1L << 20).packLong(1L << 20).packString("float64");
    payload.packBinaryHeader(Integer.MAX_VALUE); // claims 2 GiB that are not there
    byte[] inner = payload.toByteArray();
    MessageBufferPacker outer = MessagePack.newDefaultBufferPacker();
    outer.packMapHeader(1).packString("w").packExtensionTypeHeader((byte) 1, inner.length).writePayload(inner);
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.msgpackRestore(outer.toByteArray()));
    assertTrue(e.getMessage().startsWith("invalid Flax msgpack bytes at ['w']: shape [1048576, 1048576]"
        + " with dtype float64 needs 8796093022208 bytes but the data holds 2147483647"), e.getMessage());
  }

  @Test
  void structureThatDoesNotMatchTheTarget() {
    byte[] bytes = Serialization.toBytes(Map.of("params", Map.of("w", Nd4j.zeros(2), "b", Nd4j.zeros(2))));
    TreeMismatchException e = assertThrows(TreeMismatchException.class, () -> Serialization.fromBytes(W_TARGET, bytes));
    assertEquals("the state dict does not match the target at ['params']: expected keys ['w'] for a dict,"
        + " found ['b', 'w'] (unexpected ['b'])", e.getMessage());
  }

  /**
   * Damaged bytes never escape as anything but a clear exception with a path (or, when the damage
   * happens to leave a valid state, a restored tree): no NullPointerException, no ND4J error.
   */
  @Test
  void randomDamageFailsCleanly() {
    byte[] bytes = Serialization.toBytes(TestStates.trainState(7));
    Random random = new Random(20240611L);
    int failures = 0;
    for (int trial = 0; trial < 3000; trial++) {
      byte[] damaged = bytes.clone();
      int flips = 1 + random.nextInt(3);
      for (int i = 0; i < flips; i++) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      try {
        TrainState<Map<String, Object>> restored = Serialization.fromBytes(TestStates.trainState(0), damaged);
        assertEquals(TestStates.TX, restored.tx());
      } catch (StateDecodingException | TreeMismatchException | InvalidTreeException e) {
        failures++;
        if (e.getMessage() == null || !(e.getMessage().contains(" at ") || e.getMessage().startsWith("cannot restore"))) {
          fail("message without a place: " + e.getMessage());
        }
      } catch (RuntimeException e) {
        throw new AssertionError("trial " + trial + " escaped as " + e, e);
      }
    }
    assertTrue(failures > 1000, "most damage is detected: " + failures);
  }
}
