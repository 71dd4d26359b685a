package org.pytree4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.pytree4j.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A record may name types that another processor generates later in the same compilation: the
 * processor retries it each round until they exist, and only reports {@code [PyTreeUndefined]}
 * when processing ends without them.
 */
class LaterRoundTypesTest {

  private static final JavaFileObject HOLDER = source("test.Holder",
      "package test;",
      "",
      "import java.util.List;",
      "import org.pytree4j.PyTreeNode;",
      "import test.late.Late;",
      "",
      "@PyTreeNode",
      "public record Holder(Late latest, List<Late> history) implements HolderPyTree.With {}");

  @Test
  void recordNamingATypeGeneratedTwoRoundsLaterCompiles() throws IOException {
    LateTypeProcessor late = new LateTypeProcessor();
    // A type written in round 2 is entered in round 3, so the pytree4j processor meets it missing in
    // rounds 1 and 2. (The late processor goes first: a "*" processor is not called once every
    // annotation of the round has been claimed.)
    Compilation compilation = javac()
        .withProcessors(late, new PyTreeProcessor())
        .withOptions((Object[]) Compilations.STRICT)
        .compile(HOLDER);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(late.lateWrittenInRound).isEqualTo(2);
    String companion = compilation.generatedSourceFile("test.HolderPyTree").orElseThrow()
        .getCharContent(true).toString();
    assertThat(companion).contains("import test.late.Late;");
    assertThat(companion).contains("this.<Late>child(children, 0, Late.class)");
    assertThat(companion).contains("this.<List<Late>>child(children, 1, List.class)");
  }

  @Test
  void withoutTheLateProcessorTheTypeIsReportedUndefinedOnce() {
    Compilation compilation = Compilations.compile(HOLDER);
    assertThat(compilation)
        .hadErrorContaining("[PyTreeUndefined] Component 'latest' of Holder has type Late, which is not defined:"
            + " no source declares it and no annotation processor generated it")
        .inFile(HOLDER).onLine(8);
    assertThat(compilation.errors().stream()
            .filter(error -> error.getMessage(Locale.ROOT).contains("[PyTreeUndefined]"))
            .count())
        .isEqualTo(1);
  }

  /** Writes {@code test.late.Early} in its first round and {@code test.late.Late} in its second. */
  private static final class LateTypeProcessor extends AbstractProcessor {
    private int round;
    int lateWrittenInRound = -1;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment env) {
      if (env.processingOver()) {
        return false;
      }
      round++;
      if (round == 1) {
        write("test.late.Early", "package test.late;\n\npublic final class Early {}\n");
      } else if (round == 2) {
        write("test.late.Late", "package test.late;\n\npublic record Late(double value) {}\n");
        lateWrittenInRound = round;
      }
      return false;
    }

    private void write(String name, String text) {
      try (Writer writer = processingEnv.getFiler().createSourceFile(name).openWriter()) {
        writer.write(text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
