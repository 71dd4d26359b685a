package org.pytree4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.pytree4j.processor.GoldenInputs.BOX;
import static org.pytree4j.processor.GoldenInputs.CUSTOM_TRAIN_STATE;
import static org.pytree4j.processor.GoldenInputs.DENSE;
import static org.pytree4j.processor.GoldenInputs.MLP;
import static org.pytree4j.processor.GoldenInputs.OUTER;
import static org.pytree4j.processor.GoldenInputs.TRAIN_STATE;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden records under Eclipse's compiler (ecj 3.38), the compiler Eclipse runs annotation
 * processors with: no error and no warning, and companions identical, character for character, to
 * javac's (which {@link GoldenSourcesTest} compares with the golden files).
 */
class EcjCompilationTest {
  @TempDir
  Path dir;

  @Test
  void goldenRecordsCompileCleanlyAndGenerateWhatJavacGenerates() {
    List<JavaFileObject> inputs = List.of(DENSE, OUTER, MLP, BOX, TRAIN_STATE, CUSTOM_TRAIN_STATE);
    Ecj.Result ecj = Ecj.compile(dir, inputs, new PyTreeProcessor());

    assertWithMessage("%s", ecj).that(ecj.success()).isTrue();
    assertWithMessage("%s", ecj).that(ecj.errorsAndWarnings()).isEmpty();
    Map<String, String> javac = javacCompanions(inputs);
    assertThat(javac.keySet()).containsExactly("test.nn.DensePyTree", "test.nn.Outer_InnerPyTree",
        "test.nn.MlpPyTree", "test.nn.BoxPyTree", "test.train.TrainStatePyTree", "test.train.CustomTrainStatePyTree");
    assertThat(ecj.generated()).containsExactlyEntriesIn(javac);
  }

  @Test
  void eachGoldenRecordAloneCompilesCleanly() {
    int i = 0;
    for (List<JavaFileObject> inputs : List.of(List.of(DENSE), List.of(OUTER), List.of(MLP, DENSE), List.of(BOX),
        List.of(TRAIN_STATE), List.of(CUSTOM_TRAIN_STATE))) {
      Ecj.Result ecj = Ecj.compile(dir.resolve("case" + i++), inputs, new PyTreeProcessor());
      assertWithMessage("%s", ecj).that(ecj.success()).isTrue();
      assertWithMessage("%s", ecj).that(ecj.errorsAndWarnings()).isEmpty();
      assertThat(ecj.generated()).isNotEmpty();
    }
  }

  private static Map<String, String> javacCompanions(List<JavaFileObject> inputs) {
    Compilation compilation = Compilations.strict().compile(inputs);
    Map<String, String> out = new LinkedHashMap<>();
    for (JavaFileObject file : compilation.generatedSourceFiles()) {
      String path = file.toUri().getPath();
      String name = path.substring(path.indexOf(StandardLocation.SOURCE_OUTPUT.getName()) + StandardLocation.SOURCE_OUTPUT.getName().length() + 1)
          .replace('/', '.').replaceFirst("\\.java$", "");
      try {
        out.put(name, file.getCharContent(true).toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
