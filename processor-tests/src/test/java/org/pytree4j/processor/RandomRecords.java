package org.pytree4j.processor;

import static org.pytree4j.processor.RandomTypes.BASIC;
import static org.pytree4j.processor.RandomTypes.INDARRAY;
import static org.pytree4j.processor.RandomTypes.INT;
import static org.pytree4j.processor.RandomTypes.INTEGER;
import static org.pytree4j.processor.RandomTypes.LONG;
import static org.pytree4j.processor.RandomTypes.STRING;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.pytree4j.processor.RandomTypes.ListOf;
import org.pytree4j.processor.RandomTypes.MapOf;
import org.pytree4j.processor.RandomTypes.RecordType;
import org.pytree4j.processor.RandomTypes.Simple;
import org.pytree4j.processor.RandomTypes.Type;
import org.pytree4j.processor.RandomTypes.TypeVariable;
import org.pytree4j.processor.RandomTypes.Value;

/**
 * A seeded generator of valid {@code @PyTreeNode} record declarations: top-level and nested in
 * classes, interfaces, enums and records; generic with bounds; components of primitive, boxed,
 * array, list, map, INDArray, type-variable and other generated record types; static components;
 * annotations on components, accessors and types; Javadoc; compact constructors that validate,
 * explicit (and deprecated) accessors, extra constructors, static members; unicode and awkward
 * names, including records named like {@code java.lang} types. Each package also gets a class
 * {@code Exercise} whose {@code run()} flattens, unflattens, rebuilds and updates every record there
 * and returns what went wrong.
 */
final class RandomRecords {
  static final String ANNOTATIONS_PACKAGE = "shapes.ann";
  static final List<String> ANNOTATIONS = List.of(ANNOTATIONS_PACKAGE + ".Marker", ANNOTATIONS_PACKAGE + ".TypeUse");

  private static final List<String> PACKAGES = List.of("shapes.p0", "shapes.p1", "shapes.odd");
  /** Top-level record names that hide java.lang, java.util or pytree4j types in their package. */
  private static final List<String> ODD_NAMES = List.of("String", "Override", "Object", "Integer", "Deprecated",
      "Record", "SuppressWarnings", "Generated", "List", "Map", "Consumer", "Flattened", "TreeDef", "PyTrees",
      "RecordNodeType", "Node", "Builder", "With", "Math", "Iterable", "FunctionalInterface", "Boolean");
  private static final List<String> NAMES = List.of("Dense", "Layer", "Gr\u00f6\u00dfe", "\u039bayer", "\u00dcnit",
      "Rec$", "$Rec", "Rec_", "Node", "Builder", "With", "State", "Params", "Box", "Pair", "\u65e5\u672c");
  private static final List<String> COMPONENT_NAMES = List.of("kernel", "bias", "w", "count", "scale", "name",
      "items", "table", "inner", "next", "a", "b", "x", "value", "weights", "mask", "HTTPPort", "ioError",
      "gr\u00f6\u00dfe", "\u03bb", "\u00fcn\u00efcode", "\u65e5\u672c", "$x", "x$", "_x", "x_", "__", "$", "yield",
      "record", "var", "sealed", "permits", "module", "open", "exports", "to", "with", "NODE_TYPE", "Node",
      "tree", "leaves", "treeDef", "node", "children", "statics", "edits", "grads", "changes",
      "applied", "equals", "T", "List", "Object", "String");
  private static final Set<String> RESTRICTED = Set.of("yield", "record", "var", "sealed", "permits");

  /** A type parameter and the argument the checking code uses for it. */
  record TypeParameter(String name, String bounds, Type argument) {}

  /** A component as declared. */
  record ComponentSpec(String name, Type type, boolean isStatic, boolean marker, boolean typeUse,
      boolean explicitAccessor, boolean deprecatedAccessor) {
    boolean frozen() {
      return isStatic && type.holdsParams();
    }

  }

  /** One generated record. */
  static final class RecordSpec {
    final String pkg;
    final int index;
    final String name;
    final List<String> enclosing;
    final List<TypeParameter> typeParameters = new ArrayList<>();
    final List<ComponentSpec> components = new ArrayList<>();
    boolean deprecated;
    boolean trainState;

    RecordSpec(String pkg, int index, String name, List<String> enclosing) {
      this.pkg = pkg;
      this.index = index;
      this.name = name;
      this.enclosing = List.copyOf(enclosing);
    }

    String id() {
      return "R" + index;
    }

    /** How the checking code and other records of the package name it: {@code Outer.Inner<java.lang.Integer>}. */
    String typeInPackage() {
      String raw = String.join(".", nested());
      if (typeParameters.isEmpty()) {
        return raw;
      }
      List<String> args = typeParameters.stream().map(p -> p.argument().concrete()).toList();
      return raw + "<" + String.join(", ", args) + ">";
    }

    List<String> nested() {
      List<String> names = new ArrayList<>(enclosing);
      names.add(name);
      return names;
    }

    String companion() {
      return String.join("_", nested()) + "PyTree";
    }

    int leavesA() {
      return components.stream().filter(c -> !c.isStatic()).mapToInt(c -> c.type().a().leaves()).sum();
    }

    int leavesB() {
      return components.stream().filter(c -> !c.isStatic()).mapToInt(c -> c.type().b().leaves()).sum();
    }

    String withClause() {
      String args = typeParameters.isEmpty()
          ? ""
          : "<" + String.join(", ", typeParameters.stream().map(TypeParameter::name).toList()) + ">";
      return companion() + ".With" + args;
    }

    @Override
    public String toString() {
      return pkg + "." + String.join(".", nested()) + " (" + id() + ")";
    }
  }

  /** The generated sources and records. */
  record Universe(List<RandomSources.Source> sources, List<RecordSpec> records) {
    /** The sources that declare {@code records}, for a failure message. */
    String sourcesOf(List<RecordSpec> failed) {
      StringBuilder out = new StringBuilder();
      Set<String> files = new HashSet<>();
      for (RecordSpec spec : failed) {
        for (RandomSources.Source source : sources) {
          if (source.declares(spec) && files.add(source.qualifiedName())) {
            out.append("---- ").append(source.qualifiedName()).append('\n').append(source.text()).append('\n');
          }
        }
      }
      return out.toString();
    }
  }

  private final Random random;
  private final Map<String, List<RecordSpec>> byPackage = new LinkedHashMap<>();
  private final Map<String, Set<String>> typeNames = new LinkedHashMap<>();
  private final List<RandomSources.Source> sources = new ArrayList<>();
  private int next;

  RandomRecords(long seed) {
    this.random = new Random(seed);
    for (String pkg : PACKAGES) {
      byPackage.put(pkg, new ArrayList<>());
      typeNames.put(pkg, new HashSet<>(Set.of("Exercise")));
    }
  }

  /** At least {@code count} valid records, with their checking code and the annotations they use. */
  Universe generate(int count) {
    sources.add(RandomSources.annotations("Marker",
        "@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)",
        "@java.lang.annotation.Target({java.lang.annotation.ElementType.METHOD, java.lang.annotation.ElementType.FIELD,"
            + " java.lang.annotation.ElementType.PARAMETER, java.lang.annotation.ElementType.RECORD_COMPONENT})"));
    sources.add(RandomSources.annotations("TypeUse",
        "@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE_USE)"));
    while (next < count) {
      String pkg = PACKAGES.get(random.nextInt(10) < 2 ? 2 : random.nextInt(2));
      if (random.nextBoolean()) {
        topLevel(pkg);
      } else {
        container(pkg);
      }
    }
    List<RecordSpec> all = new ArrayList<>();
    for (Map.Entry<String, List<RecordSpec>> entry : byPackage.entrySet()) {
      if (!entry.getValue().isEmpty()) {
        sources.add(RandomSources.exercise(entry.getKey(), entry.getValue()));
        all.addAll(entry.getValue());
      }
    }
    return new Universe(List.copyOf(sources), List.copyOf(all));
  }

  private void topLevel(String pkg) {
    String name = recordName(pkg, true);
    RecordSpec spec = record(pkg, name, List.of());
    RandomSources.Writer out = RandomSources.writer(pkg);
    RandomSources.record(out, spec, "public", random);
    sources.add(out.done(pkg + "." + name, List.of(spec)));
  }

  /** A class, interface, enum or record holding one to three records, sometimes one level deeper. */
  private void container(String pkg) {
    int kind = random.nextInt(4);
    String outer = unique(pkg, List.of("Outer", "Api", "Kind", "Holder").get(kind));
    RandomSources.Writer out = RandomSources.writer(pkg);
    switch (kind) {
      case 0 -> out.line("public final class " + outer + " {").line("  private " + outer + "() {}");
      case 1 -> out.line("public interface " + outer + " {");
      case 2 -> out.line("public enum " + outer + " {").line("  ONLY;");
      default -> out.line("public record " + outer + "(int h) {");
    }
    List<RecordSpec> declared = new ArrayList<>();
    int records = 1 + random.nextInt(3);
    for (int i = 0; i < records; i++) {
      if (kind == 0 && random.nextInt(4) == 0) {
        String inner = unique(pkg, "Inner");
        out.line("  public static final class " + inner + " {");
        RecordSpec spec = record(pkg, recordName(pkg, false), List.of(outer, inner));
        out.indent(4);
        RandomSources.record(out, spec, pick(List.of("public", "", "static")), random);
        out.indent(0);
        out.line("  }");
        declared.add(spec);
      } else {
        RecordSpec spec = record(pkg, recordName(pkg, false), List.of(outer));
        out.indent(2);
        String modifiers = switch (kind) {
          case 0 -> pick(List.of("public", "", "protected", "static", "public static"));
          case 1 -> pick(List.of("", "public"));
          default -> pick(List.of("", "public"));
        };
        RandomSources.record(out, spec, modifiers, random);
        out.indent(0);
        declared.add(spec);
      }
    }
    out.line("}");
    sources.add(out.done(pkg + "." + outer, declared));
  }

  private RecordSpec record(String pkg, String name, List<String> enclosing) {
    RecordSpec spec = new RecordSpec(pkg, next++, name, enclosing);
    if (random.nextInt(25) == 0) {
      trainState(spec);
    } else {
      int parameters = random.nextInt(10) < 7 ? 0 : 1 + random.nextInt(2);
      for (int i = 0; i < parameters; i++) {
        spec.typeParameters.add(typeParameter(i));
      }
      int components = List.of(0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6).get(random.nextInt(12));
      for (int i = 0; i < components; i++) {
        Type type = componentType(spec);
        String componentName = componentName(spec, type, !(random.nextInt(4) == 0));
        boolean isStatic = componentName.startsWith("static:");
        componentName = componentName.replaceFirst("^(static|child):", "");
        boolean explicit = random.nextInt(8) == 0;
        spec.components.add(new ComponentSpec(componentName, type, isStatic, random.nextInt(5) == 0,
            random.nextInt(6) == 0, explicit, explicit && random.nextInt(3) == 0));
      }
      // a deprecated record stays out of other records' components: naming it would warn there
      spec.deprecated = random.nextInt(20) == 0;
    }
    byPackage.get(pkg).add(spec);
    return spec;
  }

  private void trainState(RecordSpec spec) {
    spec.trainState = true;
    String map = "java.util.Map<java.lang.String, org.nd4j.linalg.api.ndarray.INDArray>";
    List<ComponentSpec> components = new ArrayList<>(List.of(
        new ComponentSpec("step", random.nextBoolean() ? LONG : INT, false, false, false, false, false),
        new ComponentSpec("applyFn", nullOf("org.pytree4j.train.ApplyFn<" + map + ">"), true, false, false,
            false, false),
        new ComponentSpec("params", new MapOf(INDARRAY), false, false, false, false, false),
        new ComponentSpec("tx", nullOf("org.pytree4j.optim.GradientTransformation"), true, false, false, false,
            false),
        new ComponentSpec("optState", nullOf("org.pytree4j.optim.OptState"), false, false, false, false, false)));
    Collections.shuffle(components, random);
    spec.components.addAll(components);
    for (int i = random.nextInt(3); i > 0; i--) {
      Type type = pick(BASIC);
      String name = componentName(spec, type, true).replaceFirst("^(static|child):", "");
      spec.components.add(random.nextInt(spec.components.size() + 1),
          new ComponentSpec(name, type, false, false, false, false, false));
    }
  }

  private static Type nullOf(String decl) {
    return new Simple(decl, new Value("null", 0), new Value("null", 0));
  }

  private TypeParameter typeParameter(int i) {
    String name = i == 0 ? "T" : pick(List.of("E", "N\u00e9"));
    return switch (random.nextInt(5)) {
      case 0 -> new TypeParameter(name, "", STRING);
      case 1 -> new TypeParameter(name, " extends java.lang.Number", INTEGER);
      case 2 -> new TypeParameter(name, " extends java.lang.Comparable<" + name + ">", STRING);
      case 3 -> new TypeParameter(name, " extends java.lang.Number & java.lang.Comparable<" + name + ">",
          INTEGER);
      default -> new TypeParameter(name, " extends java.io.Serializable", STRING);
    };
  }

  private Type componentType(RecordSpec spec) {
    List<RecordSpec> referable = byPackage.get(spec.pkg).stream().filter(r -> !r.deprecated).toList();
    int roll = random.nextInt(100);
    if (roll < 15 && !spec.typeParameters.isEmpty()) {
      TypeParameter p = pick(spec.typeParameters);
      TypeVariable variable = new TypeVariable(p.name(), p.argument());
      return random.nextInt(3) == 0 ? new ListOf(variable) : variable;
    }
    if (roll < 35 && !referable.isEmpty()) {
      RecordType other = new RecordType(pick(referable));
      return switch (random.nextInt(4)) {
        case 0 -> new ListOf(other);
        case 1 -> new MapOf(other);
        case 2 -> other.spec().typeParameters.isEmpty() ? arrayOf(other) : other;
        default -> other;
      };
    }
    if (roll < 50) {
      Type element = pick(List.of(INTEGER, STRING, RandomTypes.BOXED_DOUBLE, INDARRAY, RandomTypes.DOUBLES));
      return random.nextBoolean() ? new ListOf(element) : new MapOf(element);
    }
    return pick(BASIC);
  }

  private static Type arrayOf(RecordType record) {
    String decl = record.decl();
    return new RandomTypes.ArrayOf(decl + "[]", new Value("new " + decl + "[] {" + record.a().code() + "}", 1),
        new Value("new " + decl + "[0]", 1));
  }

  /** {@code child:name} or {@code static:name}: a name the processor accepts beside the others. */
  private String componentName(RecordSpec spec, Type type, boolean child) {
    for (int attempt = 0; ; attempt++) {
      String name = pick(COMPONENT_NAMES);
      if (attempt > 50) {
        name = "c" + attempt + "_" + spec.components.size();
      }
      if (name.equals("equals") && type != INT && type != STRING && type != RandomTypes.BOOLEAN) {
        continue;
      }
      if (acceptable(spec, name, child)) {
        return (child ? "child:" : "static:") + name;
      }
    }
  }

  private static boolean acceptable(RecordSpec spec, String name, boolean child) {
    if (Naming.RESERVED.contains(name) || Naming.OBJECT_METHODS.contains(name)) {
      return false;
    }
    for (ComponentSpec other : spec.components) {
      if (other.name().equals(name)
          || Naming.witherName(other.name()).equals(Naming.witherName(name))
          || Naming.witherName(other.name()).equals(name)
          || Naming.witherName(name).equals(other.name())
          || (child && !other.isStatic() && Naming.snakeCase(other.name()).equals(Naming.snakeCase(name)))) {
        return false;
      }
    }
    return true;
  }

  private String recordName(String pkg, boolean topLevel) {
    if (pkg.endsWith(".odd") && topLevel) {
      for (String name : shuffled(ODD_NAMES)) {
        if (typeNames.get(pkg).add(name)) {
          return name;
        }
      }
    }
    String base = pick(NAMES);
    return topLevel && typeNames.get(pkg).add(base) ? base : unique(pkg, base);
  }

  private String unique(String pkg, String base) {
    String name;
    do {
      name = base + random.nextInt(10_000);
    } while (!typeNames.get(pkg).add(name));
    return name;
  }

  private List<String> shuffled(List<String> names) {
    List<String> copy = new ArrayList<>(names);
    Collections.shuffle(copy, random);
    return copy;
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  static boolean isRestricted(String name) {
    return RESTRICTED.contains(name);
  }
}
