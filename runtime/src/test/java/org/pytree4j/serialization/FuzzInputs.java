package org.pytree4j.serialization;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.KeyPath;
import org.pytree4j.train.TrainState;

/** The valid inputs the fuzz test damages: the Flax fixtures and Java's own bytes, each with a target. */
final class FuzzInputs {
  /** Bytes, the target they restore into, and optionally a subtree to restore alone with its target. */
  record Input(String name, byte[] bytes, Supplier<Object> target, KeyPath subtree, Supplier<Object> subtreeTarget) {}

  private FuzzInputs() {}

  static List<Input> all() throws IOException {
    List<Input> inputs = new ArrayList<>();
    inputs.add(new Input("arrays.msgpack", FlaxFixturesTest.fixture("arrays.msgpack"), FlaxFixturesTest::arraysTarget, null, null));
    inputs.add(trainState("train_state.msgpack", FlaxFixturesTest.fixture("train_state.msgpack"),
        () -> TestStates.trainState(0), () -> TestStates.params(0)));
    inputs.add(new Input("scalars.msgpack", FlaxFixturesTest.fixture("scalars.msgpack"), FlaxFixturesTest::scalarsTarget, null, null));
    inputs.add(new Input("chunked.msgpack", FlaxFixturesTest.fixture("chunked.msgpack"), () -> Map.of(
        "big", Nd4j.zeros(DataType.FLOAT, 5, 7), "ints", Nd4j.zeros(DataType.LONG, 3, 3),
        "small", Nd4j.zeros(DataType.FLOAT, 2)), KeyPath.root().dict("small"), () -> Nd4j.zeros(DataType.FLOAT, 2)));
    inputs.add(trainState("ordered.msgpack", FlaxFixturesTest.fixture("ordered.msgpack"),
        FuzzInputs::orderedTarget, FuzzInputs::model));
    inputs.add(new Input("unicode_insertion_order.msgpack", FlaxFixturesTest.fixture("unicode_insertion_order.msgpack"),
        FuzzInputs::unicode, null, null));
    inputs.add(trainState("java train state", Serialization.toBytes(TestStates.trainState(7)),
        () -> TestStates.trainState(0), () -> TestStates.params(0)));
    inputs.add(new Input("java leaves", Serialization.toBytes(everyLeaf()), FuzzInputs::everyLeaf, null, null));
    return inputs;
  }

  private static Input trainState(String name, byte[] bytes, Supplier<Object> target, Supplier<Object> params) {
    return new Input(name, bytes, target, KeyPath.root().dict("params"), params);
  }

  private static Map<String, Object> model() {
    return Map.of(
        "encoder", Map.of("kernel", Nd4j.zeros(DataType.FLOAT, 2, 3), "bias", Nd4j.zeros(DataType.FLOAT, 3)),
        "decoder", Map.of("kernel", Nd4j.zeros(DataType.FLOAT, 3, 2), "bias", Nd4j.zeros(DataType.FLOAT, 2)));
  }

  private static Object orderedTarget() {
    return new TrainState<>(0L, TestStates.APPLY, model(), TestStates.TX,
        new ChainLikeState(new EmptyLikeState(), new AdamLikeState(0, model(), model())));
  }

  private static Object unicode() {
    Map<String, Object> target = new HashMap<>();
    for (String key : List.of("\uD83D\uDE00", "\ufffd", "b", "a", "\u00e9", "\ue000")) {
      target.put(key, 0f);
    }
    return target;
  }

  /** One leaf of every kind Java writes. */
  private static Map<String, Object> everyLeaf() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("f32", Nd4j.create(new float[] {0.5f, -1f, 3.25f}, 3));
    tree.put("bf16", Nd4j.create(new float[] {1.5f, -2f}, 2).castTo(DataType.BFLOAT16));
    tree.put("u16", Nd4j.create(new long[] {0, 65535}, new long[] {2}, DataType.UINT16));
    tree.put("bool", Nd4j.create(new boolean[] {true, false}, new long[] {2}, DataType.BOOL));
    tree.put("rank0", Nd4j.scalar(DataType.DOUBLE, 2.5));
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
    return tree;
  }
}
