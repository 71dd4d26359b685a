package org.pytree4j.serialization;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;

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

  /** Key paths and names in messages are cut to about this many characters. */
  static final int MESSAGE_CHARS = 200;
  private static final int ENDS = 3;

  /**
   * The path for a message: its keystr, or for a path too long to read (hostile input nests
   * thousands of levels) its first and last entries around the count of those left out:
   * {@code ['a']['a']['a']...(994 more)...['a']['a']['a']}.
   */
  static String path(KeyPath path) {
    String full = path.describe();
    if (full.length() <= MESSAGE_CHARS) {
      return full;
    }
    List<KeyEntry> entries = path.entries();
    if (entries.size() <= 2 * ENDS) {
      return abbreviate(full);
    }
    StringBuilder sb = new StringBuilder();
    for (KeyEntry entry : entries.subList(0, ENDS)) {
      sb.append(abbreviate(entry.toString()));
    }
    sb.append("...(").append(entries.size() - 2 * ENDS).append(" more)...");
    for (KeyEntry entry : entries.subList(entries.size() - ENDS, entries.size())) {
      sb.append(abbreviate(entry.toString()));
    }
    return sb.toString();
  }

  /** {@code text}, or its start and end around {@code ...} when longer than {@link #MESSAGE_CHARS} / 4. */
  static String abbreviate(String text) {
    int max = MESSAGE_CHARS / 4;
    if (text.length() <= max) {
      return text;
    }
    return text.substring(0, max / 2) + "...(" + (text.length() - max) + " chars)..." + text.substring(text.length() - max / 2);
  }

  /** {@code ['a', 'b']}; of many keys, the first 50 and the count of the others. */
  static String quoted(Iterable<?> keys) {
    StringBuilder sb = new StringBuilder("[");
    int count = 0;
    for (Object key : keys) {
      if (count++ == 50) {
        sb.append(", ...");
        continue;
      }
      if (count > 50) {
        continue;
      }
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append('\'').append(key instanceof String k ? abbreviate(k) : key).append('\'');
    }
    if (count > 50) {
      sb.append(" (").append(count).append(" keys)");
    }
    return sb.append(']').toString();
  }
}
