package org.pytree4j.processor;

import com.palantir.javapoet.ClassName;
import java.util.Locale;
import java.util.Set;

/** The naming rules of generated code, in one place. */
final class Naming {
  private Naming() {}

  /** Methods the generated code adds to the record or its builder; no component may take these names. */
  static final Set<String> RESERVED =
      Set.of("replace", "toBuilder", "builder", "build", "flatten", "flattenWithPath", "unflatten",
          "nodeType", "pyTreeNodeType", "create", "applyGradients", "applyGradientsDonating");

  /**
   * Names of {@code Object}'s methods that a record component may not have (JLS 8.10.1); javac and ecj
   * report them on the record, and a companion built from them would not compile.
   */
  static final Set<String> OBJECT_METHODS =
      Set.of("clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait");

  /** Whether a method of this name must be called qualified ({@code this.yield()}, JLS 3.9). */
  static boolean needsQualifiedCall(String method) {
    return method.equals("yield");
  }

  /** The companion of a record: {@code com.acme.Outer.Inner} -> {@code com.acme.Outer_InnerPyTree}. */
  static ClassName companion(ClassName record) {
    return ClassName.get(record.packageName(), companionSimpleName(String.join(".", record.simpleNames())));
  }

  /** {@code Outer.Inner} -> {@code Outer_InnerPyTree}: nesting becomes underscores. */
  static String companionSimpleName(String nestedSimpleNames) {
    return nestedSimpleNames.replace('.', '_') + "PyTree";
  }

  /** {@code kernel} -> {@code updateKernel}. */
  static String updaterName(String component) {
    return "update" + Character.toUpperCase(component.charAt(0)) + component.substring(1);
  }

  /** {@code kernel} -> {@code withKernel}. */
  static String witherName(String component) {
    return "with" + Character.toUpperCase(component.charAt(0)) + component.substring(1);
  }

  /**
   * The Python (state dict) name of a component: {@code optState} -> {@code opt_state},
   * {@code batchStats} -> {@code batch_stats}, {@code HTTPPort} -> {@code http_port}.
   */
  static String snakeCase(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        char prev = name.charAt(i - 1);
        boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
        if (Character.isLowerCase(prev) || Character.isDigit(prev) || (Character.isUpperCase(prev) && nextLower)) {
          sb.append('_');
        }
      }
      sb.append(Character.toLowerCase(c));
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
