package org.pytree4j.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

/**
 * Reports diagnostics on the element they are about, each tagged with a stable id such as
 * {@code [PyTreeNotRecord]} so users (and tests) can tell them apart. Errors do not stop processing
 * of other records.
 */
final class ErrorReporter {
  private final Messager messager;
  private final Types types;
  /** Eclipse's compiler gives a record no source position (see {@link #positioned}). */
  private final boolean recordsUnpositioned;
  private int errorCount;

  ErrorReporter(Messager messager, Types types) {
    this.messager = messager;
    this.types = types;
    this.recordsUnpositioned = isEclipse(messager);
  }

  void error(Element element, Diagnostics diagnostic, String format, Object... args) {
    messager.printMessage(Diagnostic.Kind.ERROR, diagnostic.format(format, args), positioned(element));
    errorCount++;
  }

  void warning(Element element, Diagnostics diagnostic, String format, Object... args) {
    messager.printMessage(Diagnostic.Kind.WARNING, diagnostic.format(format, args), positioned(element));
  }

  int errorCount() {
    return errorCount;
  }

  /** Counts an error reported elsewhere (on a syntax tree), so {@link #errorCount()} stays true. */
  void countError() {
    errorCount++;
  }

  /**
   * The element a message about {@code element} is printed on, so that it gets a file and line.
   *
   * <ul>
   *   <li>A record component, or its implicit accessor, has no source position in javac 17 nor in
   *       ecj. The component's private field is declared by the same source text and has one.
   *   <li>ecj (3.38) positions no element of kind {@code RECORD}. Its canonical constructor has a
   *       position: when implicit, the record's name, where javac puts the message.
   * </ul>
   */
  private Element positioned(Element element) {
    if (element.getKind() == ElementKind.RECORD_COMPONENT && element.getEnclosingElement() != null) {
      for (VariableElement field : ElementFilter.fieldsIn(element.getEnclosingElement().getEnclosedElements())) {
        if (field.getSimpleName().contentEquals(element.getSimpleName())) {
          return field;
        }
      }
    } else if (element.getKind() == ElementKind.RECORD && recordsUnpositioned) {
      ExecutableElement canonical = Records.canonicalConstructor((TypeElement) element, types);
      return canonical != null ? canonical : element;
    }
    return element;
  }

  /** The Messager of ecj, in the batch compiler and in the Eclipse IDE alike. */
  private static boolean isEclipse(Messager messager) {
    return messager.getClass().getName().startsWith("org.eclipse.jdt.");
  }
}
