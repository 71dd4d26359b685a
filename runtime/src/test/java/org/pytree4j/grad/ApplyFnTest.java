package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.pytree4j.grad.GradAssertions.randn;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.examples.Mlp;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.UpdateResult;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/** The forward pass of the same graph, as TrainState's applyFn. */
class ApplyFnTest {

  @Test
  void applyFnComputesTheNamedOutputForAnyParamsAndBatchSize() {
    Random rng = new Random(30);
    AtomicInteger builds = new AtomicInteger();
    Mlp params = MlpModel.params(rng, DataType.DOUBLE);
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad((g, p, b) -> {
      builds.incrementAndGet();
      return MlpModel.LOSS.loss(g, p, b);
    }, params, MlpModel.batch(rng, DataType.DOUBLE, 6));
    ApplyFn<Mlp> model = fn.applyFn("logits");
    assertSame(model, fn.applyFn("logits"));
    assertEquals("ApplyFn(logits <- batch.x)", model.toString());

    for (int rows : new int[] {1, 6, 11}) {
      Mlp p = MlpModel.params(rng, DataType.DOUBLE);
      INDArray x = randn(rng, DataType.DOUBLE, rows, MlpModel.IN);
      INDArray logits = model.apply(p, x);
      double[][] expected = Reference.mlpLogits(p, Reference.matrix(x));
      assertArrayEquals(new long[] {rows, MlpModel.CLASSES}, logits.shape());
      for (int r = 0; r < rows; r++) {
        assertArrayEquals(expected[r], logits.getRow(r).toDoubleVector(), 1e-12);
      }
      INDArray again = model.apply(p, x);
      assertNotSame(logits, again);
      assertArrayEquals(GradAssertions.values(again), GradAssertions.values(logits), 0.0);
    }
    assertEquals(1, builds.get());
  }

  @Test
  void trainStateRunsTheModelThroughItsApplyFn() {
    Random rng = new Random(31);
    Mlp params = MlpModel.params(rng, DataType.FLOAT);
    Batch batch = MlpModel.batch(rng, DataType.FLOAT, 5);
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad(MlpModel.LOSS, params, batch);

    TrainState<Mlp> state = TrainStatePyTree.create(fn.applyFn("logits"), params, new Sgd());
    INDArray logits = state.applyFn().apply(state.params(), batch.x());
    INDArray direct = fn.applyFn("logits").apply(params, batch.x());

    assertEquals(DataType.FLOAT, logits.dataType());
    assertArrayEquals(GradAssertions.values(direct), GradAssertions.values(logits), 0.0);
    // and the loss the same graph computes is the loss of those logits
    double[][] y = Reference.matrix(batch.y());
    double expected = Reference.softmaxCrossEntropy(Reference.matrix(logits), y);
    assertEquals(expected, fn.apply(state.params(), batch).loss(), 1e-5);
  }

  /** Just enough of an optimizer for TrainState.create. */
  private static final class Sgd implements GradientTransformation {
    @Override
    public OptState init(Object params) {
      return null;
    }

    @Override
    public UpdateResult update(Object updates, OptState state, Object params) {
      throw new UnsupportedOperationException("not needed here");
    }
  }
}
