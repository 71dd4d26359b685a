package org.pytree4j.processor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;

/**
 * Runs a processor behind a Filer that records the originating elements of every file it creates,
 * as Gradle's incremental compilation does; optionally the Filer fails, to test how the processor
 * copes with the unexpected.
 */
final class OriginRecordingProcessor implements Processor {
  private final Processor delegate;
  private final RuntimeException failure;
  private final Map<String, List<String>> originatingElements = new LinkedHashMap<>();

  OriginRecordingProcessor(Processor delegate) {
    this(delegate, null);
  }

  /** Every {@code createSourceFile} throws {@code failure}. */
  OriginRecordingProcessor(Processor delegate, RuntimeException failure) {
    this.delegate = delegate;
    this.failure = failure;
  }

  /** Generated type or resource name -> qualified names of its originating elements. */
  Map<String, List<String>> originatingElements() {
    return originatingElements;
  }

  @Override
  public void init(ProcessingEnvironment env) {
    delegate.init(new RecordingEnvironment(env));
  }

  @Override
  public Set<String> getSupportedOptions() {
    return delegate.getSupportedOptions();
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return delegate.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return delegate.getSupportedSourceVersion();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return delegate.process(annotations, round);
  }

  @Override
  public Iterable<? extends Completion> getCompletions(
      Element element, AnnotationMirror annotation, ExecutableElement member, String userText) {
    return delegate.getCompletions(element, annotation, member, userText);
  }

  private void record(CharSequence name, Element[] origins) {
    List<String> names = new ArrayList<>();
    for (Element origin : origins) {
      names.add(origin instanceof TypeElement type ? type.getQualifiedName().toString() : origin.toString());
    }
    originatingElements.put(name.toString(), names);
  }

  private final class RecordingEnvironment implements ProcessingEnvironment {
    private final ProcessingEnvironment env;
    private final Filer filer;

    RecordingEnvironment(ProcessingEnvironment env) {
      this.env = env;
      this.filer = new RecordingFiler(env.getFiler());
    }

    @Override
    public Map<String, String> getOptions() {
      return env.getOptions();
    }

    @Override
    public Messager getMessager() {
      return env.getMessager();
    }

    @Override
    public Filer getFiler() {
      return filer;
    }

    @Override
    public Elements getElementUtils() {
      return env.getElementUtils();
    }

    @Override
    public Types getTypeUtils() {
      return env.getTypeUtils();
    }

    @Override
    public SourceVersion getSourceVersion() {
      return env.getSourceVersion();
    }

    @Override
    public Locale getLocale() {
      return env.getLocale();
    }
  }

  private final class RecordingFiler implements Filer {
    private final Filer filer;

    RecordingFiler(Filer filer) {
      this.filer = filer;
    }

    @Override
    public JavaFileObject createSourceFile(CharSequence name, Element... origins) throws IOException {
      record(name, origins);
      if (failure != null) {
        throw failure;
      }
      return filer.createSourceFile(name, origins);
    }

    @Override
    public JavaFileObject createClassFile(CharSequence name, Element... origins) throws IOException {
      record(name, origins);
      return filer.createClassFile(name, origins);
    }

    @Override
    public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName, Element... origins) throws IOException {
      record(moduleAndPkg + "/" + relativeName, origins);
      return filer.createResource(location, moduleAndPkg, relativeName, origins);
    }

    @Override
    public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName) throws IOException {
      return filer.getResource(location, moduleAndPkg, relativeName);
    }
  }
}
