package org.pytree4j;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;

/**
 * The order of dict keys in a pytree: by Unicode code point, as Python compares {@code str} and so as
 * JAX sorts a dict's keys. {@link String#compareTo} compares UTF-16 units instead, which differs only
 * where a character above U+FFFF (a surrogate pair, e.g. {@code "😀"}) meets one in U+E000..U+FFFF
 * (e.g. {@code "\ufffd"}): Python puts {@code "\ufffd"} first, {@code compareTo} the emoji. Keys
 * without surrogate pairs (nearly all) are therefore sorted and checked with {@code compareTo}, which
 * the JVM runs fastest.
 */
final class CodePointOrder implements Comparator<String>, Serializable {
  static final CodePointOrder INSTANCE = new CodePointOrder();
  private static final long serialVersionUID = 1L;

  private CodePointOrder() {}

  @Override
  public int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (!Character.isSurrogate(x) && !Character.isSurrogate(y)) {
          return x - y;
        }
        // compare the code points the differing units belong to (a pair, or an unpaired surrogate)
        int at = i > 0 && Character.isHighSurrogate(a.charAt(i - 1))
            && (Character.isLowSurrogate(x) || Character.isLowSurrogate(y)) ? i - 1 : i;
        return Integer.compare(a.codePointAt(at), b.codePointAt(at));
      }
    }
    return a.length() - b.length();
  }

  /**
   * True when no key holds a surrogate pair, so that {@link String#compareTo} orders them as this
   * order does. Cheap: a string of Latin-1 characters answers without a scan.
   */
  static boolean agreesWithCompareTo(Iterable<String> keys) {
    for (String key : keys) {
      if (key.codePointCount(0, key.length()) != key.length()) {
        return false;
      }
    }
    return true;
  }

  /** Sorts {@code keys} in this order. */
  static void sort(List<String> keys) {
    keys.sort(agreesWithCompareTo(keys) ? null : INSTANCE);
  }

  /** True when {@code keys} are in strictly increasing code-point order. */
  static boolean isStrictlyIncreasing(List<String> keys) {
    for (int i = 1; i < keys.size(); i++) {
      if (INSTANCE.compare(keys.get(i - 1), keys.get(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  private Object readResolve() {
    return INSTANCE;
  }

  @Override
  public String toString() {
    return "PyTrees.keyOrder()";
  }
}
