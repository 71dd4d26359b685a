package org.pytree4j.processor;

import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.pytree4j.processor.RandomRecords.ComponentSpec;
import org.pytree4j.processor.RandomRecords.RecordSpec;
import org.pytree4j.processor.RandomRecords.TypeParameter;
import org.pytree4j.processor.RandomTypes.Type;

/** Writes what {@link RandomRecords} generates as Java sources, keeping count of lines. */
final class RandomSources {
  private static final java.util.Set<String> PRIMITIVES =
      java.util.Set.of("int", "long", "double", "float", "boolean", "char", "short", "byte");

  private RandomSources() {}

  /** A source file, and the records it declares. */
  record Source(String qualifiedName, String text, List<RecordSpec> records) {
    JavaFileObject file() {
      return JavaFileObjects.forSourceString(qualifiedName, text);
    }

    boolean declares(RecordSpec spec) {
      return records.contains(spec);
    }
  }

  /** Lines of one file; line numbers count from 1. */
  static final class Writer {
    private final List<String> lines = new ArrayList<>();
    private String indent = "";

    Writer line(String text) {
      lines.add(text.isEmpty() ? "" : indent + text);
      return this;
    }

    /** The number the next line will have. */
    int nextLine() {
      return lines.size() + 1;
    }

    void indent(int spaces) {
      indent = " ".repeat(spaces);
    }

    Source done(String qualifiedName, List<RecordSpec> records) {
      return new Source(qualifiedName, String.join("\n", lines) + "\n", List.copyOf(records));
    }
  }

  static Writer writer(String pkg) {
    return new Writer()
        .line("package " + pkg + ";")
        .line("")
        .line("import org.pytree4j.Field;")
        .line("import org.pytree4j.PyTreeNode;")
        .line("import " + RandomRecords.ANNOTATIONS_PACKAGE + ".Marker;")
        .line("import " + RandomRecords.ANNOTATIONS_PACKAGE + ".TypeUse;")
        .line("");
  }

  static Source annotations(String name, String... metaAnnotations) {
    Writer out = new Writer().line("package " + RandomRecords.ANNOTATIONS_PACKAGE + ";").line("");
    for (String meta : metaAnnotations) {
      out.line(meta);
    }
    out.line("public @interface " + name + " {}");
    return out.done(RandomRecords.ANNOTATIONS_PACKAGE + "." + name, List.of());
  }

  /** One record declaration, its header on one line, each component on its own line. */
  static void record(Writer out, RecordSpec spec, String modifiers, Random random) {
    if (random.nextBoolean()) {
      javadoc(out, spec);
    }
    out.line("@PyTreeNode");
    if (spec.deprecated) {
      out.line("@java.lang.Deprecated");
    }
    String typeParameters = spec.typeParameters.isEmpty()
        ? ""
        : "<" + String.join(", ", spec.typeParameters.stream().map(p -> p.name() + p.bounds()).toList()) + ">";
    String header = (modifiers.isEmpty() ? "" : modifiers + " ") + "record " + spec.name + typeParameters + "(";
    String tail = ") implements " + spec.withClause() + " {";
    if (spec.components.isEmpty()) {
      out.line(header + tail);
    } else {
      out.line(header);
      for (int i = 0; i < spec.components.size(); i++) {
        out.line("    " + component(spec.components.get(i)) + (i == spec.components.size() - 1 ? tail : ","));
      }
    }
    if (random.nextInt(4) == 0) {
      compactConstructor(out, spec);
    }
    for (ComponentSpec c : spec.components) {
      if (c.explicitAccessor()) {
        if (c.deprecatedAccessor()) {
          out.line("  @java.lang.Deprecated");
        }
        out.line("  @java.lang.Override");
        out.line("  public " + c.type().decl() + " " + c.name() + "() {");
        out.line("    return this." + c.name() + ";");
        out.line("  }");
      }
    }
    if (random.nextInt(7) == 0) {
      out.line("  static final int LIMIT_" + spec.id() + " = " + spec.index + ";");
      out.line("  static int twice" + spec.id() + "(int v) {");
      out.line("    return 2 * v;");
      out.line("  }");
    }
    if (!spec.trainState && !spec.components.isEmpty() && spec.components.get(0).type() == RandomTypes.INT
        && random.nextInt(3) == 0) {
      // a second constructor of the same arity: generated calls must still pick the canonical one
      List<String> parameters = new ArrayList<>(List.of("long first"));
      List<String> arguments = new ArrayList<>(List.of("(int) first"));
      for (int i = 1; i < spec.components.size(); i++) {
        parameters.add(spec.components.get(i).type().decl() + " p" + i);
        arguments.add("p" + i);
      }
      out.line("  public " + spec.name + "(" + String.join(", ", parameters) + ") {");
      out.line("    this(" + String.join(", ", arguments) + ");");
      out.line("  }");
    }
    out.line("}");
  }

  private static String component(ComponentSpec c) {
    StringBuilder text = new StringBuilder();
    if (c.marker()) {
      text.append("@Marker ");
    }
    if (c.isStatic()) {
      text.append(c.frozen() ? "@Field(pytreeNode = false, frozen = true) " : "@Field(pytreeNode = false) ");
    }
    text.append(c.typeUse() ? c.type().annotated("@TypeUse") : c.type().decl()).append(' ').append(c.name());
    return text.toString();
  }

  private static void javadoc(Writer out, RecordSpec spec) {
    out.line("/**");
    out.line(" * A generated record, {@code " + spec.name + "}: caf\u00e9 &amp; <b>\u65e5\u672c</b>, \"quoted\".");
    if (!spec.components.isEmpty() || !spec.typeParameters.isEmpty()) {
      out.line(" *");
    }
    for (ComponentSpec c : spec.components) {
      out.line(" * @param " + c.name() + " the " + c.name());
    }
    for (TypeParameter p : spec.typeParameters) {
      out.line(" * @param <" + p.name() + "> a type");
    }
    out.line(" */");
  }

  /** Checks the values the checking code passes: non-negative numbers, non-null strings; copies lists. */
  private static void compactConstructor(Writer out, RecordSpec spec) {
    out.line("  public " + spec.name + " {");
    for (ComponentSpec c : spec.components) {
      if (RandomRecords.isRestricted(c.name())) {
        continue;
      }
      Type type = c.type();
      if (type == RandomTypes.INT || type == RandomTypes.LONG) {
        out.line("    if (" + c.name() + " < 0) {");
        out.line("      throw new java.lang.IllegalArgumentException(\"" + c.name() + " < 0\");");
        out.line("    }");
      } else if (type == RandomTypes.STRING) {
        out.line("    java.util.Objects.requireNonNull(" + c.name() + ", \"" + c.name() + "\");");
      } else if (type instanceof RandomTypes.ListOf) {
        out.line("    " + c.name() + " = java.util.List.copyOf(" + c.name() + ");");
      }
    }
    out.line("  }");
  }

  /**
   * {@code Exercise.run()} for one package: for each record, flatten and unflatten (the leaf count is
   * known), rebuild through the builders, and replace each component with a wither and with
   * {@code replace} (the wither calls the constructor, {@code replace} goes through the builder: they
   * must agree, so a wither that dropped another component shows). Returns one line per record that
   * failed.
   */
  static Source exercise(String pkg, List<RecordSpec> records) {
    Writer out = new Writer().line("package " + pkg + ";").line("");
    out.line("@java.lang.SuppressWarnings({\"deprecation\", \"removal\"})");
    out.line("public final class Exercise {");
    out.line("  private Exercise() {}");
    out.line("");
    out.line("  public static java.util.List<java.lang.String> run() {");
    out.line("    java.util.List<java.lang.String> failures = new java.util.ArrayList<>();");
    for (RecordSpec spec : records) {
      out.line("    check" + spec.id() + "(failures);");
    }
    out.line("    return failures;");
    out.line("  }");
    out.line("");
    out.line("  private static void expect(boolean ok, java.lang.String what) {");
    out.line("    if (!ok) {");
    out.line("      throw new java.lang.AssertionError(what);");
    out.line("    }");
    out.line("  }");
    for (RecordSpec spec : records) {
      factories(out, spec);
      check(out, spec);
    }
    out.line("}");
    return out.done(pkg + ".Exercise", List.of());
  }

  private static void factories(Writer out, RecordSpec spec) {
    String type = spec.typeInPackage();
    for (String variant : List.of("A", "B")) {
      List<String> values = new ArrayList<>();
      for (ComponentSpec c : spec.components) {
        values.add(variant.equals("A") ? c.type().a().code() : c.type().b().code());
      }
      out.line("");
      out.line("  static " + type + " make" + spec.id() + variant + "() {");
      out.line("    return new " + type + "(" + String.join(", ", values) + ");");
      out.line("  }");
    }
  }

  private static void check(Writer out, RecordSpec spec) {
    String type = spec.typeInPackage();
    String companion = spec.companion();
    String id = spec.id();
    out.line("");
    out.line("  private static void check" + id + "(java.util.List<java.lang.String> failures) {");
    out.line("    try {");
    out.line("      " + type + " r = make" + id + "A();");
    out.line("      org.pytree4j.Flattened flat = " + companion + ".flatten(r);");
    out.line("      expect(flat.leaves().size() == " + spec.leavesA() + ", \"leaves \" + flat.leaves());");
    out.line("      " + type + " back = " + companion + ".unflatten(flat.treeDef(), flat.leaves());");
    out.line("      expect(back.equals(r), \"unflatten(flatten(r)) is \" + back + \", not \" + r);");
    out.line("      org.pytree4j.FlattenedWithPath paths = " + companion + ".flattenWithPath(r);");
    out.line("      expect(paths.leaves().size() == " + spec.leavesA() + ", \"paths \" + paths.leaves());");
    for (ComponentSpec c : spec.components) {
      if (!c.isStatic() && c.type().a().leaves() > 0) {
        out.line("      expect(paths.leaves().get(0).path().keystr().startsWith(\"." + c.name()
            + "\"), \"first path \" + paths.leaves().get(0));");
        break;
      }
    }
    out.line("      expect(r.toBuilder().build().equals(r), \"toBuilder().build()\");");
    StringBuilder builder = new StringBuilder(companion + "."
        + (spec.typeParameters.isEmpty() ? "" : "<" + String.join(", ",
            spec.typeParameters.stream().map(p -> p.argument().concrete()).toList()) + ">")
        + "builder()");
    for (ComponentSpec c : spec.components) {
      builder.append('.').append(c.name()).append("(r.").append(c.name()).append("())");
    }
    out.line("      expect(" + builder + ".build().equals(r), \"builder()\");");
    out.line("      " + type + " b = make" + id + "B();");
    out.line("      expect(" + companion + ".flatten(b).leaves().size() == " + spec.leavesB()
        + ", \"leaves of b \" + " + companion + ".flatten(b).leaves());");
    for (int i = 0; i < spec.components.size(); i++) {
      ComponentSpec c = spec.components.get(i);
      String wither = Naming.witherName(c.name());
      out.line("      " + c.type().concrete() + " v" + i + " = b." + c.name() + "();");
      out.line("      " + type + " w" + i + " = r." + wither + "(v" + i + ");");
      out.line("      expect(java.util.Objects.equals(w" + i + "." + c.name() + "(), v" + i + "), \"" + wither
          + "\");");
      out.line("      expect(r.replace(u -> u." + c.name() + "(v" + i + ")).equals(w" + i + "), \"replace "
          + c.name() + "\");");
      if (!PRIMITIVES.contains(c.type().concrete())) {
        String updater = Naming.updaterName(c.name());
        out.line("      expect(r." + updater + "(old$ -> v" + i + ").equals(w" + i + "), \"" + updater + "\");");
      }
    }
    out.line("    } catch (java.lang.RuntimeException | java.lang.AssertionError e) {");
    out.line("      failures.add(\"" + spec.toString().replace("\"", "\\\"") + ": \" + e);");
    out.line("    }");
    out.line("  }");
  }
}
