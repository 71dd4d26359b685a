package org.pytree4j.processor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import javax.tools.Diagnostic;

/**
 * A seeded generator of records that javac accepts and the processor must not: each a small random
 * record with one defect put in at a random place, and the tag, kind and line the processor must
 * report it with. Each record has a package of its own, so that all compile together.
 */
final class RandomInvalidRecords {
  /** One record, and the only pytree4j diagnostic it must get. */
  record Case(RandomSources.Source source, String defect, Diagnostic.Kind kind, String tag, int line,
      boolean javacErrorsToo) {
    String path() {
      return source.qualifiedName().replace('.', '/') + ".java";
    }
  }

  private static final List<String> NAMES = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta");
  private static final List<String> TYPES = List.of("int", "double", "java.lang.String", "java.lang.Integer",
      "java.util.List<java.lang.Integer>", "java.util.Map<java.lang.String, java.lang.Double>", "boolean",
      "long[]", "java.lang.Object");
  private static final String INDARRAY = "org.nd4j.linalg.api.ndarray.INDArray";
  private static final String STATE_MAP = "java.util.Map<java.lang.String, " + INDARRAY + ">";

  private final Random random;
  private int next;

  RandomInvalidRecords(long seed) {
    this.random = new Random(seed ^ 0x5DEECE66DL);
  }

  List<Case> generate(int count) {
    List<Function<String, Case>> defects = List.of(
        this::reservedName, this::witherClash, this::sameWither, this::sameStateDictKey, this::privateRecord,
        this::recordInPrivateClass, this::privateComponentType, this::withArguments, this::notARecord,
        this::fieldOutsideNode, this::equalsOfTypeObject, this::trainStateWithoutTx, this::txNotStatic,
        this::stepNotAnInteger, this::optStateOfAnotherType, this::paramsNotAPytree, this::undefinedType,
        this::localRecord, this::missingWith, this::staticParams, this::frozenChild, this::namedLikeANestedType);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // every defect at least once, then at random
      Function<String, Case> defect = i < defects.size() ? defects.get(i) : defects.get(random.nextInt(defects.size()));
      cases.add(defect.apply("shapes.bad.c" + next++));
    }
    return cases;
  }

  // ---- the defects ----

  private Case reservedName(String pkg) {
    String reserved = pick(List.copyOf(Naming.RESERVED));
    return componentDefect(pkg, "reserved name " + reserved, pick(TYPES) + " " + reserved, true,
        Diagnostic.Kind.ERROR, "[PyTreeNameClash]");
  }

  private Case witherClash(String pkg) {
    List<String> components = base(1 + random.nextInt(3));
    String existing = nameOf(components.get(random.nextInt(components.size())));
    String clash = pick(TYPES) + " " + Naming.witherName(existing);
    return recordWith(pkg, "wither clash with " + existing, components, clash, components.size(), true,
        Diagnostic.Kind.ERROR, "[PyTreeNameClash]");
  }

  private Case sameWither(String pkg) {
    List<String> components = base(1 + random.nextInt(3));
    String existing = nameOf(components.get(random.nextInt(components.size())));
    String upper = Character.toUpperCase(existing.charAt(0)) + existing.substring(1);
    return recordWith(pkg, "same wither as " + existing, components, pick(TYPES) + " " + upper,
        components.size(), true, Diagnostic.Kind.ERROR, "[PyTreeNameClash]");
  }

  private Case sameStateDictKey(String pkg) {
    List<String> components = base(random.nextInt(3));
    components.add(random.nextInt(components.size() + 1), pick(TYPES) + " fooBar");
    return recordWith(pkg, "same state-dict key", components, pick(TYPES) + " foo_bar", components.size(), true,
        Diagnostic.Kind.ERROR, "[PyTreeNameClash]");
  }

  private Case privateRecord(String pkg) {
    RandomSources.Writer out = header(pkg);
    String outer = "Outer" + next;
    out.line("public final class " + outer + " {");
    out.indent(2);
    int line = record(out, "private", name(), "", base(random.nextInt(4)), null, null).recordLine;
    out.indent(0);
    out.line("}");
    return done(out, pkg + "." + outer, "private record", Diagnostic.Kind.ERROR, "[PyTreeNotAccessible]", line,
        false);
  }

  private Case recordInPrivateClass(String pkg) {
    RandomSources.Writer out = header(pkg);
    String outer = "Outer" + next;
    out.line("public final class " + outer + " {");
    out.line("  private static final class Hidden {");
    out.indent(4);
    int line = record(out, pick(List.of("", "public", "static")), name(), "", base(random.nextInt(4)), null, null)
        .recordLine;
    out.indent(0);
    out.line("  }");
    out.line("}");
    return done(out, pkg + "." + outer, "record in a private class", Diagnostic.Kind.ERROR,
        "[PyTreeNotAccessible]", line, false);
  }

  private Case privateComponentType(String pkg) {
    String name = name();
    List<String> components = base(random.nextInt(3));
    int at = random.nextInt(components.size() + 1);
    components.add(at, "java.util.List<" + name + ".Secret> secrets");
    RandomSources.Writer out = header(pkg);
    Written written = record(out, "public", name, "", components, null, "  private record Secret(int x) {}");
    return done(out, pkg + "." + name, "private component type", Diagnostic.Kind.ERROR, "[PyTreeNotAccessible]",
        written.componentLines.get(at), false);
  }

  private Case withArguments(String pkg) {
    String name = name();
    List<String> components = base(random.nextInt(3));
    components.add(random.nextInt(components.size() + 1), "T value");
    RandomSources.Writer out = header(pkg);
    int line = record(out, "public", name, "<T>", components, name + "PyTree.With<java.lang.String>", null)
        .recordLine;
    return done(out, pkg + "." + name, "With with other type arguments", Diagnostic.Kind.ERROR,
        "[PyTreeWithArguments]", line, true);
  }

  private Case notARecord(String pkg) {
    String name = name();
    RandomSources.Writer out = header(pkg);
    if (random.nextBoolean()) {
      javadoc(out);
    }
    out.line("@PyTreeNode");
    int line = out.nextLine();
    String kind = pick(List.of("class", "interface", "enum"));
    out.line("public " + kind + " " + name + " {" + (kind.equals("enum") ? " A, B }" : " }"));
    return done(out, pkg + "." + name, "@PyTreeNode on a " + kind, Diagnostic.Kind.ERROR, "[PyTreeNotRecord]",
        line, false);
  }

  private Case fieldOutsideNode(String pkg) {
    String name = name();
    List<String> components = base(random.nextInt(3));
    int at = random.nextInt(components.size() + 1);
    components.add(at, "@Field(pytreeNode = false) java.lang.String label");
    RandomSources.Writer out = header(pkg);
    Written written = record(out, "public", name, "", components, null, null, false);
    return done(out, pkg + "." + name, "@Field outside a node", Diagnostic.Kind.ERROR, "[PyTreeFieldOutsideNode]",
        written.componentLines.get(at), false);
  }

  private Case namedLikeANestedType(String pkg) {
    return componentDefect(pkg, "component named like a nested type", pick(TYPES) + " " + pick(List.of("Builder", "With")),
        true, Diagnostic.Kind.ERROR, "[PyTreeNameClash]");
  }

  private Case equalsOfTypeObject(String pkg) {
    return componentDefect(pkg, "equals of type Object", "java.lang.Object equals", true, Diagnostic.Kind.ERROR,
        "[PyTreeNameClash]");
  }

  private Case trainStateWithoutTx(String pkg) {
    List<String> components = trainStateComponents(false);
    String name = name();
    RandomSources.Writer out = header(pkg);
    int line = record(out, "public", name, "", components, null, null).recordLine;
    return done(out, pkg + "." + name, "train state without tx", Diagnostic.Kind.ERROR, "[PyTreeTrainState]",
        line, false);
  }

  private Case txNotStatic(String pkg) {
    return trainStateDefect(pkg, "tx not static", "org.pytree4j.optim.GradientTransformation tx", "tx");
  }

  private Case stepNotAnInteger(String pkg) {
    return trainStateDefect(pkg, "step not an integer", "double step", "step");
  }

  private Case optStateOfAnotherType(String pkg) {
    return trainStateDefect(pkg, "optState of another type", STATE_MAP + " optState", "optState");
  }

  private Case paramsNotAPytree(String pkg) {
    return trainStateDefect(pkg, "params not a pytree", "java.lang.String params", "params");
  }

  private Case undefinedType(String pkg) {
    return componentDefect(pkg, "undefined type", "Undefined" + next + " missing", true, Diagnostic.Kind.ERROR,
        "[PyTreeUndefined]", true);
  }

  private Case localRecord(String pkg) {
    String name = name();
    boolean qualified = random.nextBoolean();
    RandomSources.Writer out = header(pkg);
    out.line("public final class " + name + " {");
    out.line("  private " + name + "() {}");
    out.line("");
    out.line("  static java.lang.Object make() {");
    out.line("    " + (qualified ? "@org.pytree4j.PyTreeNode" : "@PyTreeNode"));
    int line = out.nextLine();
    out.line("    record Local(int x) {}");
    out.line("    return new Local(1);");
    out.line("  }");
    out.line("}");
    return done(out, pkg + "." + name, "local record", Diagnostic.Kind.ERROR, "[PyTreeNotAccessible]", line, false);
  }

  private Case missingWith(String pkg) {
    String name = name();
    RandomSources.Writer out = header(pkg);
    int line = record(out, "public", name, "", base(random.nextInt(4)), null, null).recordLine;
    return done(out, pkg + "." + name, "no With clause", Diagnostic.Kind.WARNING, "[PyTreeMissingWith]", line,
        false);
  }

  private Case staticParams(String pkg) {
    String type = pick(List.of(INDARRAY, "double[]", "java.util.List<" + INDARRAY + ">", "float[][]"));
    return componentDefect(pkg, "static " + type, "@Field(pytreeNode = false) " + type + " frozen", false,
        Diagnostic.Kind.WARNING, "[PyTreeStaticParams]");
  }

  private Case frozenChild(String pkg) {
    return componentDefect(pkg, "frozen child", "@Field(frozen = true) " + INDARRAY + " weights", false,
        Diagnostic.Kind.WARNING, "[PyTreeStaticParams]");
  }

  // ---- building blocks ----

  /** A record with one bad component at a random place; warnings need a record that is generated. */
  private Case componentDefect(String pkg, String defect, String component, boolean error,
      Diagnostic.Kind kind, String tag) {
    return componentDefect(pkg, defect, component, error, kind, tag, false);
  }

  private Case componentDefect(String pkg, String defect, String component, boolean error,
      Diagnostic.Kind kind, String tag, boolean javacErrorsToo) {
    List<String> components = base(random.nextInt(4));
    int at = random.nextInt(components.size() + 1);
    return recordWith(pkg, defect, components, component, at, error, kind, tag, javacErrorsToo);
  }

  private Case recordWith(String pkg, String defect, List<String> components, String bad, int at, boolean error,
      Diagnostic.Kind kind, String tag) {
    return recordWith(pkg, defect, components, bad, at, error, kind, tag, false);
  }

  private Case recordWith(String pkg, String defect, List<String> components, String bad, int at, boolean error,
      Diagnostic.Kind kind, String tag, boolean javacErrorsToo) {
    List<String> all = new ArrayList<>(components);
    all.add(at, bad);
    String name = name();
    RandomSources.Writer out = header(pkg);
    // a record that gets an error is not generated: it must not name its companion
    Written written = record(out, "public", name, "", all, error ? null : name + "PyTree.With", null);
    return done(out, pkg + "." + name, defect, kind, tag, written.componentLines.get(at), javacErrorsToo);
  }

  private Case trainStateDefect(String pkg, String defect, String bad, String role) {
    List<String> components = trainStateComponents(true);
    int at = -1;
    for (int i = 0; i < components.size(); i++) {
      if (nameOf(components.get(i)).equals(role)) {
        at = i;
      }
    }
    components.set(at, bad);
    String name = name();
    RandomSources.Writer out = header(pkg);
    Written written = record(out, "public", name, "", components, null, null);
    return done(out, pkg + "." + name, defect, Diagnostic.Kind.ERROR, "[PyTreeTrainState]",
        written.componentLines.get(at), false);
  }

  private List<String> trainStateComponents(boolean withTx) {
    List<String> components = new ArrayList<>(List.of(
        "long step",
        "@Field(pytreeNode = false) org.pytree4j.train.ApplyFn<" + STATE_MAP + "> applyFn",
        STATE_MAP + " params",
        "org.pytree4j.optim.OptState optState"));
    if (withTx) {
      components.add("@Field(pytreeNode = false) org.pytree4j.optim.GradientTransformation tx");
    }
    components.addAll(base(random.nextInt(2)));
    Collections.shuffle(components, random);
    return components;
  }

  /** {@code n} components of distinct names (no two with one wither or one state-dict key). */
  private List<String> base(int n) {
    List<String> names = new ArrayList<>(NAMES);
    Collections.shuffle(names, random);
    List<String> components = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      components.add(pick(TYPES) + " " + names.get(i));
    }
    return components;
  }

  private static String nameOf(String component) {
    return component.substring(component.lastIndexOf(' ') + 1);
  }

  private String name() {
    return pick(List.of("Dense", "Model", "State", "Gr\u00f6\u00dfe", "Layer")) + next;
  }

  private static final class Written {
    int recordLine;
    final List<Integer> componentLines = new ArrayList<>();
  }

  private Written record(RandomSources.Writer out, String modifiers, String name, String typeParameters,
      List<String> components, String with, String body) {
    return record(out, modifiers, name, typeParameters, components, with, body, true);
  }

  /** A record with its header on one line and each component on its own. */
  private Written record(RandomSources.Writer out, String modifiers, String name, String typeParameters,
      List<String> components, String with, String body, boolean node) {
    Written written = new Written();
    if (random.nextBoolean()) {
      javadoc(out);
    }
    if (node) {
      out.line(random.nextInt(4) == 0 ? "@org.pytree4j.PyTreeNode" : "@PyTreeNode");
    }
    String tail = ")" + (with == null ? "" : " implements " + with) + (body == null ? " {}" : " {");
    String header = (modifiers.isEmpty() ? "" : modifiers + " ") + "record " + name + typeParameters + "(";
    written.recordLine = out.nextLine();
    if (components.isEmpty()) {
      out.line(header + tail);
    } else {
      out.line(header);
      for (int i = 0; i < components.size(); i++) {
        written.componentLines.add(out.nextLine());
        out.line("    " + components.get(i) + (i == components.size() - 1 ? tail : ","));
      }
    }
    if (body != null) {
      out.line(body);
      out.line("}");
    }
    return written;
  }

  private void javadoc(RandomSources.Writer out) {
    out.line("/**");
    out.line(" * A record with a defect.");
    out.line(" */");
  }

  private static RandomSources.Writer header(String pkg) {
    return new RandomSources.Writer()
        .line("package " + pkg + ";")
        .line("")
        .line("import org.pytree4j.Field;")
        .line("import org.pytree4j.PyTreeNode;")
        .line("");
  }

  private static Case done(RandomSources.Writer out, String qualifiedName, String defect, Diagnostic.Kind kind,
      String tag, int line, boolean javacErrorsToo) {
    return new Case(out.done(qualifiedName, List.of()), defect, kind, tag, line, javacErrorsToo);
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
