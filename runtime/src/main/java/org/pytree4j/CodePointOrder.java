package org.pytree4j;

import java.io.Serializable;
import java.util.Comparator;

/**
 * The order of dict keys in a pytree: by Unicode code point, as Python compares {@code str} and so as
 * JAX sorts a dict's keys. {@link String#compareTo} compares UTF-16 units instead, which differs only
 * where a character above U+FFFF (a surrogate pair, e.g. {@code "😀"}) meets one in U+E000..U+FFFF
 * (e.g. {@code "\ufffd"}): Python puts {@code "\ufffd"} first, {@code compareTo} the emoji.
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
        if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE) {
          // both in U+D800..U+FFFF: move surrogates (which stand for code points above U+FFFF) past the rest
          return fixUp(x) - fixUp(y);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  private static int fixUp(char c) {
    return c <= Character.MAX_SURROGATE ? c + 0x2000 : c - 0x800;
  }

  /** True when {@code keys} are in strictly increasing code-point order. */
  static boolean isStrictlyIncreasing(java.util.List<String> keys) {
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
