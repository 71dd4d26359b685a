package org.pytree4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Bare;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;
import org.pytree4j.examples.Pair;

/**
 * Random pytrees from a seed: maps (hash, linked and sorted), lists with nulls, the example records
 * (with and without {@code With}, generic, nested, with static components), INDArrays, numbers and
 * other leaves. The structure comes from one random stream and the leaf values from another, so two
 * trees with the same structure seed have equal structures whatever their leaves.
 */
final class RandomTrees {
  private static final String[] KEYS = {"params", "dense", "kernel", "bias", "batch_stats", "a", "b", "z", "0", "it's"};
  private static final String[] ACTIVATIONS = {"relu", "tanh", "gelu"};

  private final Random shape;
  private final Random values;

  RandomTrees(long structureSeed, long leafSeed) {
    this.shape = new Random(structureSeed);
    this.values = new Random(leafSeed);
  }

  Object tree(int depth) {
    int kind = depth <= 0 ? 8 + shape.nextInt(4) : shape.nextInt(12);
    return switch (kind) {
      case 0, 1 -> map(depth);
      case 2, 3 -> list(depth);
      case 4 -> dense();
      case 5 -> new Mlp(dense(), dense(), ACTIVATIONS[shape.nextInt(ACTIVATIONS.length)]);
      case 6 -> shape.nextBoolean()
          ? new Pair<>(tree(depth - 1), number(), 100 + shape.nextInt(1000))
          : new Pair.Inner(tree(depth - 1));
      case 7 -> shape.nextBoolean() ? null : new Bare(array(), 1 + shape.nextInt(3));
      default -> leaf();
    };
  }

  private Map<String, Object> map(int depth) {
    Map<String, Object> map = switch (shape.nextInt(3)) {
      case 0 -> new HashMap<>();
      case 1 -> new LinkedHashMap<>();
      default -> new TreeMap<>();
    };
    int size = shape.nextInt(4);
    for (int i = 0; i < size; i++) {
      map.put(KEYS[shape.nextInt(KEYS.length)], tree(depth - 1));
    }
    return map;
  }

  private List<Object> list(int depth) {
    int size = shape.nextInt(4);
    List<Object> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      list.add(shape.nextInt(5) == 0 ? null : tree(depth - 1));
    }
    return list;
  }

  private Dense dense() {
    return new Dense(array(), array());
  }

  private Object leaf() {
    return switch (shape.nextInt(5)) {
      case 0, 1 -> array();
      case 2 -> number();
      case 3 -> values.nextBoolean();
      default -> "s" + values.nextInt(1000);
    };
  }

  private Number number() {
    return switch (shape.nextInt(3)) {
      case 0 -> values.nextInt(100);
      case 1 -> values.nextLong();
      default -> values.nextDouble();
    };
  }

  private INDArray array() {
    return Nd4j.createFromArray(values.nextDouble(), values.nextDouble());
  }
}
