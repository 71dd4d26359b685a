package org.pytree4j.processor;

import java.util.List;

/**
 * The component types {@link RandomRecords} draws from. Each knows how it is written in the record
 * ({@link #decl}, which may name the record's type variables) and in the checking code
 * ({@link #concrete}), two different values of it, and how many leaves each value flattens to as a
 * pytree child. JDK types are written fully qualified, so that records named {@code String} or
 * {@code List} may share their package.
 */
final class RandomTypes {
  private RandomTypes() {}

  /** A Java expression and the number of leaves it flattens to as a child ({@code null} has none). */
  record Value(String code, int leaves) {}

  interface Type {
    /** As written in the declaring record. */
    String decl();

    /** As written in checking code, with type variables replaced by their chosen type arguments. */
    default String concrete() {
      return decl();
    }

    Value a();

    /** A value that differs from {@link #a()} (by {@code equals}, or by identity for arrays). */
    Value b();

    /** Arrays, INDArrays, pytrees, and containers of them: static only with {@code frozen = true}. */
    default boolean holdsParams() {
      return false;
    }

    /** {@link #decl()} with a type-use annotation on its outermost type. */
    String annotated(String annotation);
  }

  /** A primitive or a JDK class written as {@code java.lang.String}. */
  record Simple(String decl, Value a, Value b) implements Type {
    @Override
    public String annotated(String annotation) {
      int dot = decl.lastIndexOf('.');
      return dot < 0 ? annotation + " " + decl : decl.substring(0, dot + 1) + annotation + " " + decl.substring(dot + 1);
    }
  }

  static final Type INT = new Simple("int", new Value("3", 1), new Value("4", 1));
  static final Type LONG = new Simple("long", new Value("5L", 1), new Value("6L", 1));
  static final Type DOUBLE = new Simple("double", new Value("1.5", 1), new Value("-2.25", 1));
  static final Type FLOAT = new Simple("float", new Value("0.5f", 1), new Value("8f", 1));
  static final Type BOOLEAN = new Simple("boolean", new Value("true", 1), new Value("false", 1));
  static final Type CHAR = new Simple("char", new Value("'c'", 1), new Value("'\u00e9'", 1));
  static final Type SHORT = new Simple("short", new Value("(short) 2", 1), new Value("(short) 3", 1));
  static final Type BYTE = new Simple("byte", new Value("(byte) 1", 1), new Value("(byte) -1", 1));
  static final Type INTEGER = new Simple("java.lang.Integer", new Value("7", 1), new Value("null", 0));
  static final Type BOXED_DOUBLE = new Simple("java.lang.Double", new Value("0.25", 1), new Value("1e9", 1));
  static final Type STRING = new Simple("java.lang.String", new Value("\"s\"", 1), new Value("\"\u00fc\u65e5\"", 1));
  /** An Object child may hold a whole subtree: a list of two leaves. */
  static final Type OBJECT = new Simple("java.lang.Object", new Value("\"o\"", 1),
      new Value("java.util.List.of(1, 2)", 2));
  /** No ND4J backend in these tests: INDArray components hold null (an empty subtree). */
  static final Type INDARRAY = new ParamsLeaf("org.nd4j.linalg.api.ndarray.INDArray");

  /** An INDArray: params, held as null here. */
  record ParamsLeaf(String decl) implements Type {
    @Override
    public Value a() {
      return new Value("null", 0);
    }

    @Override
    public Value b() {
      return new Value("null", 0);
    }

    @Override
    public boolean holdsParams() {
      return true;
    }

    @Override
    public String annotated(String annotation) {
      int dot = decl.lastIndexOf('.');
      return decl.substring(0, dot + 1) + annotation + " " + decl.substring(dot + 1);
    }
  }

  /** Arrays are leaves, compared by identity. */
  record ArrayOf(String decl, Value a, Value b) implements Type {
    @Override
    public boolean holdsParams() {
      return true;
    }

    @Override
    public String annotated(String annotation) {
      int bracket = decl.indexOf('[');
      return decl.substring(0, bracket) + " " + annotation + " " + decl.substring(bracket);
    }
  }

  static final Type DOUBLES = new ArrayOf("double[]", new Value("new double[] {1.0, 2.0}", 1),
      new Value("new double[0]", 1));
  static final Type INTS_2D = new ArrayOf("int[][]", new Value("new int[][] {{1}, {2, 3}}", 1),
      new Value("new int[][] {}", 1));
  static final Type STRINGS = new ArrayOf("java.lang.String[]", new Value("new java.lang.String[] {\"a\"}", 1),
      new Value("new java.lang.String[] {\"b\", \"c\"}", 1));

  static final List<Type> BASIC = List.of(INT, LONG, DOUBLE, FLOAT, BOOLEAN, CHAR, SHORT, BYTE, INTEGER,
      BOXED_DOUBLE, STRING, OBJECT, INDARRAY, DOUBLES, INTS_2D, STRINGS);

  /** {@code java.util.List<E>}: a sequence node; two elements, or none. */
  record ListOf(Type element) implements Type {
    @Override
    public String decl() {
      return "java.util.List<" + element.decl() + ">";
    }

    @Override
    public String concrete() {
      return "java.util.List<" + element.concrete() + ">";
    }

    @Override
    public Value a() {
      Value x = element.a();
      Value y = element.b();
      if (x.code().equals("null") || y.code().equals("null")) {
        return new Value("java.util.List.<" + element.concrete() + ">of()", 0);
      }
      return new Value("java.util.List.<" + element.concrete() + ">of(" + x.code() + ", " + y.code() + ")",
          x.leaves() + y.leaves());
    }

    @Override
    public Value b() {
      Value x = element.a();
      return x.code().equals("null")
          ? new Value("new java.util.ArrayList<" + element.concrete() + ">()", 0)
          : new Value("java.util.List.<" + element.concrete() + ">of(" + x.code() + ")", x.leaves());
    }

    @Override
    public boolean holdsParams() {
      return element.holdsParams();
    }

    @Override
    public String annotated(String annotation) {
      return "java.util." + annotation + " List<" + element.decl() + ">";
    }
  }

  /** {@code java.util.Map<String, V>}: a dict node with string keys. */
  record MapOf(Type valueType) implements Type {
    @Override
    public String decl() {
      return "java.util.Map<java.lang.String, " + valueType.decl() + ">";
    }

    @Override
    public String concrete() {
      return "java.util.Map<java.lang.String, " + valueType.concrete() + ">";
    }

    @Override
    public Value a() {
      Value x = valueType.a();
      Value y = valueType.b();
      if (x.code().equals("null") || y.code().equals("null")) {
        return new Value("java.util.Map.<java.lang.String, " + valueType.concrete() + ">of()", 0);
      }
      return new Value("java.util.Map.<java.lang.String, " + valueType.concrete() + ">of(\"k\u00e9\", " + x.code()
          + ", \"a b\", " + y.code() + ")", x.leaves() + y.leaves());
    }

    @Override
    public Value b() {
      Value y = valueType.b();
      return y.code().equals("null")
          ? new Value("java.util.Map.<java.lang.String, " + valueType.concrete() + ">of()", 0)
          : new Value("java.util.Map.<java.lang.String, " + valueType.concrete() + ">of(\"z\", " + y.code() + ")",
              y.leaves());
    }

    @Override
    public boolean holdsParams() {
      return valueType.holdsParams();
    }

    @Override
    public String annotated(String annotation) {
      return "java.util." + annotation + " Map<java.lang.String, " + valueType.decl() + ">";
    }
  }

  /** A type variable of the declaring record, with the type argument the checking code uses. */
  record TypeVariable(String name, Type argument) implements Type {
    @Override
    public String decl() {
      return name;
    }

    @Override
    public String concrete() {
      return argument.concrete();
    }

    @Override
    public Value a() {
      return argument.a();
    }

    @Override
    public Value b() {
      return argument.b();
    }

    @Override
    public String annotated(String annotation) {
      return annotation + " " + name;
    }
  }

  /** Another generated record, by its name in the package ({@code Outer.Inner<java.lang.Integer>}). */
  record RecordType(RandomRecords.RecordSpec spec) implements Type {
    @Override
    public String decl() {
      return spec.typeInPackage();
    }

    @Override
    public Value a() {
      return new Value("make" + spec.id() + "A()", spec.leavesA());
    }

    @Override
    public Value b() {
      return new Value("make" + spec.id() + "B()", spec.leavesB());
    }

    @Override
    public boolean holdsParams() {
      return true;
    }

    @Override
    public String annotated(String annotation) {
      String decl = decl();
      int lt = decl.indexOf('<');
      String raw = lt < 0 ? decl : decl.substring(0, lt);
      int dot = raw.lastIndexOf('.');
      return dot < 0 ? annotation + " " + decl : decl.substring(0, dot + 1) + annotation + " " + decl.substring(dot + 1);
    }
  }
}
