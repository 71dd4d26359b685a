package org.pytree4j.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
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
    messager.printMessage(Diagnostic.Kind.ERROR, diagnostic.format(format, args), element);
    errorCount++;
  }

  void note(Element element, Diagnostics diagnostic, String format, Object... args) {
    messager.printMessage(Diagnostic.Kind.NOTE, diagnostic.format(format, args), element);
  }

  int errorCount() {
    return errorCount;
  }
}
