package org.pytree4j.processor;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports {@code @PyTreeNode} on local types (declared in a method, an initializer or a lambda).
 * Annotation processing never hands those to a processor, so without this check such a record would
 * silently get no companion. Reads the sources' syntax trees through the Compiler Tree API when the
 * compiler offers it (javac); under other compilers, or a wrapped environment, it does nothing.
 */
final class LocalTypes {
  private static final String PACKAGE = "org.pytree4j";
  private static final String SIMPLE_NAME = "PyTreeNode";

  private final Trees trees;

  private LocalTypes(Trees trees) {
    this.trees = trees;
  }

  static LocalTypes create(ProcessingEnvironment env) {
    try {
      return new LocalTypes(Trees.instance(env));
    } catch (IllegalArgumentException | LinkageError notJavac) {
      return new LocalTypes(null);
    }
  }

  /** Scans the compilation units of this round's root elements, each once. */
  void check(Set<? extends Element> rootElements, ErrorReporter reporter) {
    if (trees == null) {
      return;
    }
    Set<CompilationUnitTree> scanned = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Element root : rootElements) {
      TreePath path = trees.getPath(root);
      if (path != null && scanned.add(path.getCompilationUnit())) {
        CompilationUnitTree unit = path.getCompilationUnit();
        new Scanner(unit, importsSimpleName(unit), reporter).scan(unit, null);
      }
    }
  }

  /** Whether {@code @PyTreeNode} in this file means {@code org.pytree4j.PyTreeNode}. */
  private static boolean importsSimpleName(CompilationUnitTree unit) {
    if (unit.getPackageName() != null && unit.getPackageName().toString().equals(PACKAGE)) {
      return true;
    }
    for (ImportTree imported : unit.getImports()) {
      String name = imported.getQualifiedIdentifier().toString();
      if (!imported.isStatic() && (name.equals(PACKAGE + "." + SIMPLE_NAME) || name.equals(PACKAGE + ".*"))) {
        return true;
      }
    }
    return false;
  }

  private final class Scanner extends TreePathScanner<Void, Void> {
    private final CompilationUnitTree unit;
    private final boolean simpleNameMeansOurs;
    private final ErrorReporter reporter;

    Scanner(CompilationUnitTree unit, boolean simpleNameMeansOurs, ErrorReporter reporter) {
      this.unit = unit;
      this.simpleNameMeansOurs = simpleNameMeansOurs;
      this.reporter = reporter;
    }

    @Override
    public Void visitClass(ClassTree type, Void unused) {
      if (isLocal(getCurrentPath()) && isAnnotated(type)) {
        trees.printMessage(Diagnostic.Kind.ERROR, Diagnostics.NOT_ACCESSIBLE.format(
                "%s cannot be a @PyTreeNode: it is declared inside a method, and annotation processors see"
                    + " only top-level types and their members, so no companion can be generated for it."
                    + " Move it to the top level or into a class",
                type.getSimpleName()),
            type, unit);
        reporter.countError();
      }
      return super.visitClass(type, unused);
    }

    private boolean isAnnotated(ClassTree type) {
      for (AnnotationTree annotation : type.getModifiers().getAnnotations()) {
        Tree name = annotation.getAnnotationType();
        if (name instanceof IdentifierTree id
            ? simpleNameMeansOurs && id.getName().contentEquals(SIMPLE_NAME)
            : name.toString().equals(PACKAGE + "." + SIMPLE_NAME)) {
          return true;
        }
      }
      return false;
    }
  }

  /** A type is local when something other than a type declaration encloses it. */
  private static boolean isLocal(TreePath path) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof CompilationUnitTree) {
        return false;
      }
      if (!(leaf instanceof ClassTree)) {
        return true;
      }
    }
    return false;
  }
}
