package org.pytree4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.pytree4j.processor.Compilations.golden;
import static org.pytree4j.processor.GoldenInputs.BOX;
import static org.pytree4j.processor.GoldenInputs.CUSTOM_TRAIN_STATE;
import static org.pytree4j.processor.GoldenInputs.DENSE;
import static org.pytree4j.processor.GoldenInputs.MLP;
import static org.pytree4j.processor.GoldenInputs.OUTER;
import static org.pytree4j.processor.GoldenInputs.TRAIN_STATE;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The companions the processor generates, compared with reviewed golden files under
 * {@code src/test/resources/golden}. Every compilation runs with {@code -Xlint:all -Werror} and must
 * produce no warning: generated code has to compile cleanly in the strictest user build.
 */
class GoldenSourcesTest {

  @Test
  void plainRecord() {
    assertGenerates("test.nn.DensePyTree", "test/nn/DensePyTree.java", DENSE);
  }

  @Test
  void nestedRecordGetsUnderscoredCompanion() {
    assertGenerates("test.nn.Outer_InnerPyTree", "test/nn/Outer_InnerPyTree.java", OUTER);
  }

  @Test
  void staticComponentsAreAuxDataNotChildren() {
    assertGenerates("test.nn.MlpPyTree", "test/nn/MlpPyTree.java", MLP, DENSE);
  }

  @Test
  void genericRecordWithBoundedTypeVariables() {
    assertGenerates("test.nn.BoxPyTree", "test/nn/BoxPyTree.java", BOX);
  }

  @Test
  void plainTrainState() {
    assertGenerates("test.train.TrainStatePyTree", "test/train/TrainStatePyTree.java", TRAIN_STATE);
  }

  @Test
  void customTrainStateWithExtraComponent() {
    assertGenerates(
        "test.train.CustomTrainStatePyTree", "test/train/CustomTrainStatePyTree.java", CUSTOM_TRAIN_STATE);
  }

  @Test
  void allGoldenRecordsCompileTogether() {
    Compilation compilation =
        Compilations.strict().compile(DENSE, OUTER, MLP, BOX, TRAIN_STATE, CUSTOM_TRAIN_STATE);
    assertThat(compilation).succeededWithoutWarnings();
  }

  private static void assertGenerates(String companion, String goldenPath, JavaFileObject... sources) {
    Compilation compilation = Compilations.strict().compile(sources);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile(companion).hasSourceEquivalentTo(golden(goldenPath));
  }
}
