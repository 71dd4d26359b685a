package org.pytree4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What build tools rely on: the processor is discoverable, declares itself Gradle-isolating, and
 * names exactly one originating element (the record) for every file it generates, which is what
 * makes isolating incremental processing correct.
 */
class ProcessorPackagingTest {

  @Test
  void declaresItselfIsolatingForGradle() throws IOException {
    assertThat(resourceOfProcessorArtifact("META-INF/gradle/incremental.annotation.processors").strip())
        .isEqualTo("org.pytree4j.processor.PyTreeProcessor,isolating");
  }

  @Test
  void isRegisteredAsAServiceForJavac() throws IOException {
    assertThat(resourceOfProcessorArtifact("META-INF/services/javax.annotation.processing.Processor").strip())
        .isEqualTo("org.pytree4j.processor.PyTreeProcessor");
  }

  @Test
  void everyGeneratedFileNamesItsRecordAsTheOnlyOriginatingElement() {
    OriginRecordingProcessor recording = new OriginRecordingProcessor(new PyTreeProcessor());
    Compilation compilation = com.google.testing.compile.Compiler.javac()
        .withProcessors(recording)
        .withOptions((Object[]) Compilations.STRICT)
        .compile(GoldenInputs.DENSE, GoldenInputs.OUTER, GoldenInputs.MLP, GoldenInputs.TRAIN_STATE);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(recording.originatingElements()).containsExactly(
        "test.nn.DensePyTree", List.of("test.nn.Dense"),
        "test.nn.Outer_InnerPyTree", List.of("test.nn.Outer.Inner"),
        "test.nn.MlpPyTree", List.of("test.nn.Mlp"),
        "test.train.TrainStatePyTree", List.of("test.train.TrainState"));
    assertThat(compilation.generatedSourceFiles()).hasSize(recording.originatingElements().size());
  }

  /** A resource read from the processor's own jar (or classes directory), not from the whole classpath. */
  private static String resourceOfProcessorArtifact(String name) throws IOException {
    URL artifact = PyTreeProcessor.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {artifact}, null);
        InputStream in = loader.getResourceAsStream(name)) {
      assertThat(in).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

}
