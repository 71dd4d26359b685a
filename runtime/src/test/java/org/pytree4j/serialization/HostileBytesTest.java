package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.KeyPath;

/**
 * Bytes made to hurt the reader: sizes beyond what msgpack can hold, a few bytes claiming
 * gigabytes, nesting through every kind of value. Each ends in a {@link StateDecodingException}
 * naming the place, in bounded memory and stack.
 */
class HostileBytesTest {
  private static final KeyPath PARAMS_W = KeyPath.root().dict("params").dict("w");

  /** {'params': {'w': <header bytes>}} followed by {@code tail}. */
  private static byte[] underParamsW(byte[] header, int tail) throws IOException {
    MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
    packer.packMapHeader(1).packString("params").packMapHeader(1).packString("w");
    packer.writePayload(header);
    packer.writePayload(new byte[tail]);
    return packer.toByteArray();
  }

  private static byte[] be32(int code, long value) {
    return new byte[] {(byte) code, (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  @Test
  void lengthHeadersBeyondMsgpacksLimitNameThePathTheHeaderAndBothSizes() throws IOException {
    Object[][] cases = {
        {be32(0xdb, 0xfffffff0L), "str32", "bytes"},
        {be32(0xc6, 0x80000000L), "bin32", "bytes"},
        {be32(0xdd, 0xffffffffL), "array32", "entries"},
        {be32(0xdf, 0x80000001L), "map32", "entries"},
    };
    for (Object[] c : cases) {
      byte[] header = (byte[]) c[0];
      long claimed = ((header[1] & 0xffL) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
      byte[] bytes = underParamsW(header, 5);
      StateDecodingException e = assertThrows(StateDecodingException.class, () -> Serialization.msgpackRestore(bytes));
      assertEquals("invalid Flax msgpack bytes at ['params']['w']: the " + c[1] + " header at byte 11 claims " + claimed
          + " " + c[2] + ", more than the 2147483647 a msgpack value can hold; the input has 10 bytes from there",
          e.getMessage());
      assertEquals(PARAMS_W, e.path());

      StateDecodingException streamed = assertThrows(StateDecodingException.class,
          () -> Serialization.read(Map.of(), new ByteArrayInputStream(bytes)));
      assertEquals("invalid Flax msgpack bytes at ['params']['w']: the " + c[1] + " header at byte 11 claims " + claimed
          + " " + c[2] + ", more than the 2147483647 a msgpack value can hold; the stream's length is unknown (11 bytes"
          + " read)", streamed.getMessage());
    }
    byte[] ext32 = {(byte) 0xc9, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 1};
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.msgpackRestore(underParamsW(ext32, 3)));
    assertEquals("invalid Flax msgpack bytes at ['params']['w']: the ext32 header at byte 11 claims 4294967294 bytes,"
        + " more than the 2147483647 a msgpack value can hold; the input has 9 bytes from there", e.getMessage());
  }

  @Test
  void claimsBeyondTheInputAreTruncationNamedByHeaderAndSizes() throws IOException {
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.msgpackRestore(underParamsW(be32(0xdb, 0x7fffffffL), 4)));
    assertEquals("invalid Flax msgpack bytes at ['params']['w']: the input ends early (truncated bytes): the str32"
        + " header at byte 11 claims 2147483647 bytes but 4 bytes remain", e.getMessage());
    StateDecodingException map = assertThrows(StateDecodingException.class,
        () -> Serialization.msgpackRestore(underParamsW(be32(0xdf, 3), 5)));
    assertEquals("invalid Flax msgpack bytes at ['params']['w']: the input ends early (truncated bytes): the map32"
        + " header at byte 11 claims 3 entries but 5 bytes remain", map.getMessage());
  }

  @Test
  void aFewStreamedBytesClaimingGigabytesAllocateNoMoreThanArrives() throws Exception {
    // a 2 GiB - 1 string, and a float32 array of 2 GiB - 64 bytes, each with 1 KiB of data
    byte[] string = underParamsW(be32(0xdb, 0x7fffffffL), 1024);
    MessageBufferPacker payload = MessagePack.newDefaultBufferPacker();
    long elements = (1L << 29) - 16;
    payload.packArrayHeader(3).packArrayHeader(1).packLong(elements).packString("float32");
    payload.packBinaryHeader((int) (elements * 4));
    byte[] prefix = payload.toByteArray();
    MessageBufferPacker ext = MessagePack.newDefaultBufferPacker();
    ext.packExtensionTypeHeader((byte) 1, prefix.length + (int) (elements * 4)).writePayload(prefix);
    byte[] array = underParamsW(ext.toByteArray(), 1024);

    for (byte[] bytes : new byte[][] {string, array}) {
      Nd4j.scalar(0f); // ND4J started before measuring
      long rssBefore = Pointer.physicalBytes();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      long allocated = allocatedBy(() -> {
        try {
          Serialization.read(Map.of(), new ByteArrayInputStream(bytes));
        } catch (Throwable t) {
          thrown.set(t);
        }
      });
      long rssGrowth = Pointer.physicalBytes() - rssBefore;
      assertTrue(thrown.get() instanceof StateDecodingException, String.valueOf(thrown.get()));
      assertTrue(thrown.get().getMessage().contains("the input ends early (truncated bytes)"), thrown.get().getMessage());
      assertTrue(allocated < 8 << 20, "heap allocated: " + allocated);
      assertTrue(rssGrowth < 256 << 20, "resident memory grew by " + rssGrowth);
    }
  }

  @Test
  void aLargeStreamedArrayStillArrivesWhole() throws IOException {
    float[] values = new float[(3 << 20) / 4 + 7]; // over the 1 MiB eager limit, not a multiple of a block
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.5f;
    }
    byte[] bytes = Serialization.toBytes(Map.of("w", Nd4j.create(values, values.length)));
    InputStream trickle = new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 4093));
      }
    };
    Map<String, Object> restored = Serialization.read(Map.of("w", Nd4j.zeros(DataType.FLOAT, values.length)), trickle);
    assertEquals(Nd4j.create(values, values.length), restored.get("w"));
  }

  @Test
  void complexNumbersNestedInEachOtherCountTowardTheDepthLimit() throws IOException {
    MessageBufferPacker half = MessagePack.newDefaultBufferPacker();
    half.packDouble(0.5);
    byte[] inner = half.toByteArray();
    for (int level = 0; level < 5_000; level++) {
      MessageBufferPacker pair = MessagePack.newDefaultBufferPacker();
      pair.packArrayHeader(2).writePayload(inner);
      pair.packDouble(0);
      byte[] parts = pair.toByteArray();
      MessageBufferPacker complex = MessagePack.newDefaultBufferPacker();
      complex.packExtensionTypeHeader((byte) 2, parts.length).writePayload(parts);
      inner = complex.toByteArray();
    }
    MessageBufferPacker root = MessagePack.newDefaultBufferPacker();
    root.packMapHeader(1).packString("c").writePayload(inner);
    byte[] bytes = root.toByteArray();
    StateDecodingException e = assertThrows(StateDecodingException.class, () -> Serialization.msgpackRestore(bytes));
    assertTrue(e.getMessage().endsWith("nested more than 1000 levels deep"), e.getMessage());
    StateDecodingException streamed = assertThrows(StateDecodingException.class,
        () -> Serialization.read(Map.of(), new ByteArrayInputStream(bytes)));
    assertTrue(streamed.getMessage().endsWith("nested more than 1000 levels deep"), streamed.getMessage());
  }

  @Test
  void aDeepPathIsAbbreviatedInTheMessage() throws IOException {
    MessageBufferPacker deep = MessagePack.newDefaultBufferPacker();
    for (int i = 0; i < 5_000; i++) {
      deep.packMapHeader(1).packString("layer");
    }
    deep.packNil();
    StateDecodingException e = assertThrows(StateDecodingException.class,
        () -> Serialization.msgpackRestore(deep.toByteArray()));
    assertEquals("invalid Flax msgpack bytes at ['layer']['layer']['layer']...(993 more)...['layer']['layer']['layer']:"
        + " nested more than 1000 levels deep", e.getMessage());
    assertEquals(999, e.path().size(), "the exception keeps the whole path");
  }

  @Test
  void nestingTakesNoStackPerLevel() throws Exception {
    byte[] deepest = nested(MsgpackDecoder.MAX_DEPTH - 1);
    byte[] tooDeep = nested(100_000);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread small = new Thread(null, () -> {
      try {
        Map<?, ?> restored = (Map<?, ?>) Serialization.msgpackRestore(deepest);
        assertEquals(java.util.Set.of("a"), restored.keySet());
        assertThrows(org.pytree4j.TreeMismatchException.class,
            () -> Serialization.read(Map.of(), new ByteArrayInputStream(deepest)), "decoded whole, then matched");
        StateDecodingException e = assertThrows(StateDecodingException.class, () -> Serialization.msgpackRestore(tooDeep));
        assertTrue(e.getMessage().endsWith("nested more than 1000 levels deep"), e.getMessage());
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "small-stack", 128 * 1024);
    small.start();
    small.join();
    if (failure.get() != null) {
      throw new AssertionError("on a thread of 128 KiB stack", failure.get());
    }
  }

  /** {'a': {'a': ... None}} with {@code levels} dicts. */
  private static byte[] nested(int levels) throws IOException {
    MessageBufferPacker deep = MessagePack.newDefaultBufferPacker();
    for (int i = 0; i < levels; i++) {
      deep.packMapHeader(1).packString("a");
    }
    deep.packNil();
    return deep.toByteArray();
  }

  @Test
  void arraysBeyondNd4jsRankOrWhoseStridesOverflowAreRejected() throws IOException {
    MessageBufferPacker rank = MessagePack.newDefaultBufferPacker();
    rank.packArrayHeader(3).packArrayHeader(33);
    for (int i = 0; i < 33; i++) {
      rank.packLong(1);
    }
    rank.packString("float32").packBinaryHeader(4).writePayload(new byte[4]);
    assertEquals("invalid Flax msgpack bytes at ['params']['w']: an array (ext type 1) has rank 33, over ND4J's"
        + " limit of 32", assertThrows(StateDecodingException.class,
            () -> Serialization.msgpackRestore(ext1UnderParamsW(rank.toByteArray()))).getMessage());

    MessageBufferPacker strides = MessagePack.newDefaultBufferPacker();
    strides.packArrayHeader(3).packArrayHeader(3).packLong(0).packLong(1L << 40).packLong(1L << 40);
    strides.packString("float32").packBinaryHeader(0);
    assertEquals("invalid Flax msgpack bytes at ['params']['w']: array size overflows", assertThrows(
        StateDecodingException.class, () -> Serialization.msgpackRestore(ext1UnderParamsW(strides.toByteArray())))
        .getMessage());
  }

  private static byte[] ext1UnderParamsW(byte[] payload) throws IOException {
    MessageBufferPacker ext = MessagePack.newDefaultBufferPacker();
    ext.packExtensionTypeHeader((byte) 1, payload.length).writePayload(payload);
    return underParamsW(ext.toByteArray(), 0);
  }

  /** Heap bytes allocated by this thread while {@code run} runs. */
  private static long allocatedBy(Runnable run) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    run.run();
    return threads.getThreadAllocatedBytes(id) - before;
  }
}
