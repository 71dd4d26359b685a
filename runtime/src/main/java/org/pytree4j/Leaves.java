package org.pytree4j;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** How leaves and static values are shown in structures and error messages. */
final class Leaves {
  private Leaves() {}

  /** A short description of what a value is: {@code float32[2, 3]}, {@code Long 7}, {@code None}. */
  static String describe(Object value) {
    if (value == null) {
      return "None (null)";
    }
    if (value instanceof INDArray array) {
      return dtypeName(array) + Arrays.toString(array.shape());
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof Character) {
      return value.getClass().getSimpleName() + " " + value;
    }
    if (value instanceof java.util.Map<?, ?> map) {
      return "Map with keys " + map.keySet();
    }
    if (value instanceof java.util.List<?> list) {
      return "List of " + list.size();
    }
    if (value instanceof CustomNode node) {
      return node.pyTreeNodeType().name();
    }
    return value.getClass().getName();
  }

  /** A value as Python would print it inside a structure: {@code 'relu'}, {@code 3}, {@code None}. */
  static String repr(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof CharSequence s) {
      return "'" + s + "'";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof Number || value instanceof Enum<?>) {
      return value.toString();
    }
    if (value instanceof INDArray array) {
      return dtypeName(array) + Arrays.toString(array.shape());
    }
    String s = String.valueOf(value);
    return s.length() > 60 ? value.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(value)) : s;
  }

  /** numpy's name for an ND4J data type: {@code float32}, {@code bfloat16}, {@code int64}. */
  static String dtypeName(INDArray array) {
    return Dtypes.numpyName(array.dataType());
  }
}
