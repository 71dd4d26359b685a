package org.pytree4j.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Reports diagnostics on the element they are about, each tagged with a stable id such as
 * {@code [PyTreeNotRecord]} so users (and tests) can tell them apart. Errors do not stop processing
 * of other records.
 */
final class ErrorReporter {
  private final Messager messager;
  private int errorCount;

  ErrorReporter(Messager messager) {
    this.messager = messager;
  }

  void error(Element element, Diagnostics diagnostic, String format, Object... args) {
    messager.printMessage(Diagnostic.Kind.ERROR, diagnostic.format(format, args), positioned(element));
    errorCount++;
  }

  void note(Element element, Diagnostics diagnostic, String format, Object... args) {
    messager.printMessage(Diagnostic.Kind.NOTE, diagnostic.format(format, args), positioned(element));
  }

  int errorCount() {
    return errorCount;
  }

  /** Counts an error reported elsewhere (on a syntax tree), so {@link #errorCount()} stays true. */
  void countError() {
    errorCount++;
  }

  /**
   * javac (17 at least) gives a message on a record component, or on its implicit accessor, no
   * source position, so it would print without file and line. The component's private field is
   * declared by the same source text and has the position, so messages about a component go there.
   */
  private static Element positioned(Element element) {
    if (element.getKind() != ElementKind.RECORD_COMPONENT || element.getEnclosingElement() == null) {
      return element;
    }
    for (VariableElement field : ElementFilter.fieldsIn(element.getEnclosingElement().getEnclosedElements())) {
      if (field.getSimpleName().contentEquals(element.getSimpleName())) {
        return field;
      }
    }
    return element;
  }
}
