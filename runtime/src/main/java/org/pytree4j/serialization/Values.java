package org.pytree4j.serialization;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** How state-dict values are named in error messages. */
final class Values {
  private Values() {}

  /** {@code float32[2, 3]}, {@code float32 scalar 1.5}, {@code dict with keys ['a', 'b']}, {@code None}. */
  static String describe(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof INDArray array) {
      NumpyDtype dtype = NumpyDtype.of(array.dataType());
      return (dtype == null ? array.dataType().toString() : dtype.numpyName) + Arrays.toString(array.shape());
    }
    if (value instanceof Map<?, ?> map) {
      return "dict with keys " + quoted(map.keySet());
    }
    if (value instanceof java.util.List<?> list) {
      return "msgpack list of " + list.size();
    }
    if (value instanceof String s) {
      return "String '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
    if (value instanceof byte[] bytes) {
      return "bytes of length " + bytes.length;
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof Complex) {
      return value.getClass().getSimpleName() + " " + value;
    }
    return value.getClass().getName();
  }

  /** {@code ['a', 'b']}. */
  static String quoted(Iterable<?> keys) {
    StringBuilder sb = new StringBuilder("[");
    for (Object key : keys) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append('\'').append(key).append('\'');
    }
    return sb.append(']').toString();
  }
}
