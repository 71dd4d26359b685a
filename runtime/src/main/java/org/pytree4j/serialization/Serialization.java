package org.pytree4j.serialization;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;

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
 * <p><b>Key order.</b> As Flax's {@code to_bytes}, a map is written in its own order when it has one
 * (a {@code SortedMap}, a {@code LinkedHashMap}, a Java 21 {@code SequencedMap}, and the maps this
 * class returns), and otherwise ({@code HashMap}, {@code Map.of}) with its keys sorted by code point
 * as JAX sorts them; records in component order. A restored map takes the target map's order when
 * it has one, else the saved order (so Flax's bytes restored into {@code Map.of} targets write back
 * identically); into a {@code SortedMap} target it restores as the pytree's sorted map.
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
   * keys (unmodifiable, in the order they are written; None values are {@code null}) whose leaves
   * are the tree's leaves. The root must be a container (map, list or node).
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
   * {@link #fromBytes} from a stream holding exactly one state (read to its end, not closed). The
   * stream's length is unknown, so a value whose header claims more than 1 MiB is allocated as its
   * bytes arrive: a few bytes claiming gigabytes fail without allocating them. An array read this
   * way is gathered on the heap before it is copied into ND4J memory (twice its size at the peak);
   * when the length is known, {@link #read(Object, InputStream, long)} allocates each array once.
   */
  public static <T> T read(T target, InputStream in) throws IOException {
    return StateDicts.restore(target, MsgpackDecoder.decode(in, -1));
  }

  /**
   * {@link #read(Object, InputStream)} from a stream holding exactly {@code length} more bytes (a
   * file: {@code Files.size(path)}): every size a header claims is checked against what is left, and
   * each array is allocated once.
   */
  public static <T> T read(T target, InputStream in, long length) throws IOException {
    return StateDicts.restore(target, MsgpackDecoder.decode(in, requireLength(length)));
  }

  /**
   * Restores only the subtree of the saved state at {@code subtree} (a path of state-dict keys, such
   * as {@code KeyPath.root().dict("params")}) into {@code target}, the structure of that subtree:
   * the params of a saved {@code TrainState} without the optimizer state's types. The rest of the
   * state is skipped unread into memory; the whole input is still checked to be well-formed msgpack.
   *
   * @throws org.pytree4j.TreeMismatchException if the state has nothing at {@code subtree}, naming
   *     the dict where the path ends and its keys
   */
  public static <T> T fromBytes(T target, byte[] bytes, KeyPath subtree) {
    return StateDicts.restore(target, MsgpackDecoder.decodeSubtree(bytes, stateDictKeys(subtree)));
  }

  /** {@link #fromBytes(Object, byte[], KeyPath)} from a stream holding exactly {@code length} more bytes. */
  public static <T> T read(T target, InputStream in, long length, KeyPath subtree) throws IOException {
    return StateDicts.restore(target, MsgpackDecoder.decodeSubtree(in, requireLength(length), stateDictKeys(subtree)));
  }

  private static long requireLength(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, got " + length);
    }
    return length;
  }

  /** The state-dict keys of a path: dict keys as they are, sequence positions as "0", "1", attribute names. */
  static List<String> stateDictKeys(KeyPath subtree) {
    List<String> keys = new ArrayList<>(subtree.size());
    for (KeyEntry entry : subtree.entries()) {
      keys.add(entry.simple());
    }
    return keys;
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
