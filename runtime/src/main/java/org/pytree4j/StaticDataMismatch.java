package org.pytree4j;

import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The message for a node whose static data differs from the expected structure's. When the two
 * print the same, it says how they differ (type, identity, or {@code equals}) instead of showing
 * two identical strings.
 */
final class StaticDataMismatch {
  private StaticDataMismatch() {}

  static String describe(String nodeName, Object expected, Object found) {
    String head = "expected " + nodeName + " with static data " + expected;
    if (!String.valueOf(expected).equals(String.valueOf(found))) {
      return head + " but found static data " + found;
    }
    if (expected instanceof RecordNodeType.StaticFields e && found instanceof RecordNodeType.StaticFields f
        && e.names().equals(f.names())) {
      List<Object> ev = e.values();
      List<Object> fv = f.values();
      for (int i = 0; i < ev.size(); i++) {
        if (!Objects.equals(ev.get(i), fv.get(i))) {
          return head + " but found static data that prints the same and differs in '" + e.names().get(i) + "': "
              + howTheyDiffer(ev.get(i), fv.get(i));
        }
      }
    }
    return head + " but found static data that prints the same and differs: " + howTheyDiffer(expected, found);
  }

  /** Why {@code equals} says no for two values that print the same. */
  static String howTheyDiffer(Object expected, Object found) {
    if (expected == null || found == null) {
      return "the " + (expected == null ? "expected" : "found") + " value is None (null), the other "
          + Leaves.describe(expected == null ? found : expected);
    }
    Class<?> e = expected.getClass();
    Class<?> f = found.getClass();
    if (e != f) {
      boolean sameSimpleName = e.getSimpleName().equals(f.getSimpleName());
      return "they differ in type (expected " + (sameSimpleName ? e.getName() : e.getSimpleName())
          + ", found " + (sameSimpleName ? f.getName() : f.getSimpleName()) + ")";
    }
    String type = e.isArray() ? e.getComponentType().getSimpleName() + "[]" : e.getSimpleName();
    if (!overridesEquals(e)) {
      return "they are two " + type + " instances, and " + type + " compares by identity (it does not override"
          + " equals): static data must be the same object, or a value with equals";
    }
    if (expected instanceof INDArray) {
      return "they are two INDArrays of the same dtype and shape whose values differ";
    }
    return "they are two " + type + " values that " + type + ".equals finds different, though their toString"
        + " is the same";
  }

  private static boolean overridesEquals(Class<?> type) {
    if (type.isArray()) {
      return false;
    }
    try {
      return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException impossible) {
      return true;
    }
  }
}
