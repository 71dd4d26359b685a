package org.pytree4j.processor;

import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * Claims the test sources' own annotations, as the tools that own such annotations do: without a
 * processor that claims them, javac's {@code -Xlint:processing} warns about user code, not about the
 * companions under test.
 */
final class ClaimingProcessor extends AbstractProcessor {
  private final Set<String> annotations;

  ClaimingProcessor(String... annotations) {
    this.annotations = Set.of(annotations);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return annotations;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return true;
  }
}
