package org.pytree4j.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A state whose every leaf is determined by its step, so a restored state proves it is whole:
 * {'step': step, 'tag': 'step-<step>', 'values': [step * 1e6 + i for i in range(n)]}. Plain Java
 * leaves, so a child JVM saving it starts without ND4J.
 */
final class CrashState {
  private CrashState() {}

  static Map<String, Object> of(long step, int size) {
    Double[] values = new Double[size];
    for (int i = 0; i < size; i++) {
      values[i] = step * 1e6 + i;
    }
    return Map.of("step", step, "tag", "step-" + step, "values", Collections.unmodifiableList(Arrays.asList(values)));
  }

  /** A target of the same structure. */
  static Map<String, Object> target(int size) {
    return of(0, size);
  }

  /** Throws unless {@code state} is exactly {@code of(step, size)}. */
  static void assertWhole(Map<String, Object> state, long step, int size) {
    if (!state.get("step").equals(step) || !state.get("tag").equals("step-" + step)) {
      throw new AssertionError("step " + step + " restored as " + state.get("step") + " / " + state.get("tag"));
    }
    List<?> values = (List<?>) state.get("values");
    if (values.size() != size) {
      throw new AssertionError("step " + step + " has " + values.size() + " values, not " + size);
    }
    List<Object> bad = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (!values.get(i).equals(step * 1e6 + i)) {
        bad.add(i + "=" + values.get(i));
      }
    }
    if (!bad.isEmpty()) {
      throw new AssertionError("step " + step + " has wrong values: " + bad.subList(0, Math.min(5, bad.size())));
    }
  }
}
