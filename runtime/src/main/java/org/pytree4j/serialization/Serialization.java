package org.pytree4j.serialization;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Flax's {@code flax.serialization} for pytrees: state dicts, and bytes in Flax's msgpack format, so
 * a state saved by {@code flax.serialization.to_bytes} in Python restores here and the other way round.
 *
 * <pre>{@code
 * Map<String, Object> dict = Serialization.toStateDict(state);   // {'step': 3, 'params': {...}, 'opt_state': {'0': {}, '1': {'count': ..}}}
 * byte[] bytes = Serialization.toBytes(state);
 * TrainState<Params> restored = Serialization.fromBytes(initialState, bytes);
 * }</pre>
 *
 * <p><b>State dict keys.</b> Maps keep their keys; lists and sequence nodes (such as an optimizer
 * chain's state) are keyed {@code "0"}, {@code "1"} ...; records by their components' Python names
 * ({@code optState} is {@code opt_state}); {@code null} is Python's None. Static components
 * ({@code @Field(pytreeNode = false)}) are not saved: a restore takes them, and the whole structure,
 * from the target. Restoring checks the state against the target's structure first and throws
 * {@link org.pytree4j.TreeMismatchException} naming the key path and the expected and found keys (or
 * shapes); no partly restored tree is ever returned.
 *
 * <p><b>Leaves.</b> {@code INDArray} (any numpy dtype ND4J has: float16, bfloat16, float32, float64,
 * int8 to int64, uint8 to uint64, bool), {@code Float}, {@code Double}, {@code Integer}, {@code Long},
 * {@code Short}, {@code Byte} (written as numpy scalars of the same width), {@code Boolean},
 * {@code String}, {@code byte[]} and {@link Complex}. On restore a number converts to the target
 * leaf's type whatever form it was saved in (msgpack number, numpy scalar, rank-0 array), so Optax's
 * int32 {@code count} array restores into an {@code int} component. Arrays keep their saved dtype.
 */
public final class Serialization {
  private Serialization() {}

  /**
   * {@code flax.serialization.to_state_dict}: the state of {@code tree} as nested maps with String
   * keys (insertion-ordered and unmodifiable; None values are {@code null}) whose leaves are the
   * tree's leaves. The root must be a container (map, list or node).
   */
  public static Map<String, Object> toStateDict(Object tree) {
    Object dict = StateDicts.toStateDictValue(tree);
    if (!(dict instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("a state dict needs a map, list or @PyTreeNode record at the root, got "
          + Values.describe(tree) + " (toBytes accepts any tree)");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) dict;
    return map;
  }

  /**
   * {@code flax.serialization.from_state_dict}: a tree with the structure (and static components) of
   * {@code target} and the leaves of {@code state}.
   *
   * @throws org.pytree4j.TreeMismatchException if the state's keys, None positions or array shapes
   *     differ from the target's, naming the key path
   * @throws org.pytree4j.InvalidTreeException if a saved value cannot become the target leaf's type
   */
  public static <T> T fromStateDict(T target, Map<String, ?> state) {
    return StateDicts.restore(target, state);
  }

  /** {@code flax.serialization.to_bytes}: the state dict of {@code tree} in Flax's msgpack format. */
  public static byte[] toBytes(Object tree) {
    return toBytes(tree, MsgpackEncoder.MAX_CHUNK_BYTES);
  }

  /** {@link #toBytes} with another chunk size, as tests lower Flax's {@code MAX_CHUNK_SIZE}. */
  static byte[] toBytes(Object tree, long chunkBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MsgpackEncoder.write(StateDicts.toStateDictValue(tree), MessagePack.newDefaultPacker(out), chunkBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  /**
   * {@code flax.serialization.from_bytes}: restores {@code bytes} (from {@link #toBytes} or Python's
   * {@code to_bytes}) into the structure of {@code target}. The bytes are decoded and checked
   * completely before the result is built.
   *
   * @throws StateDecodingException if the bytes are not valid Flax msgpack, naming the key path
   * @throws org.pytree4j.TreeMismatchException if the state does not match the target's structure
   */
  public static <T> T fromBytes(T target, byte[] bytes) {
    return StateDicts.restore(target, MsgpackDecoder.decode(bytes));
  }

  /**
   * {@link #toBytes} to a stream, for states of any size (a byte array holds at most 2 GiB). Arrays
   * over 2<sup>30</sup> bytes are written in Flax's chunked form. Flushes but does not close {@code out}.
   */
  public static void write(Object tree, OutputStream out) throws IOException {
    MessagePacker packer = MessagePack.newDefaultPacker(out);
    MsgpackEncoder.write(StateDicts.toStateDictValue(tree), packer, MsgpackEncoder.MAX_CHUNK_BYTES);
  }

  /**
   * {@link #fromBytes} from a stream holding exactly one state (read to its end, not closed).
   */
  public static <T> T read(T target, InputStream in) throws IOException {
    return StateDicts.restore(target, MsgpackDecoder.decode(in));
  }

  /**
   * {@code flax.serialization.msgpack_restore}: the raw state dict in {@code bytes}, without a target:
   * maps, {@code INDArray}s, Java numbers for numpy scalars (float32 as {@code Float}, int32 as
   * {@code Integer} ...), msgpack integers as {@code Long}, strings, booleans, {@code null}. For
   * inspecting a file; {@link #fromBytes} restores typed trees.
   */
  public static Object msgpackRestore(byte[] bytes) {
    return MsgpackDecoder.decode(bytes);
  }
}
