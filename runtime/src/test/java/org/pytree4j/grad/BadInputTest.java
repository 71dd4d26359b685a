package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.grad.GradAssertions.randn;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/** Bad params and batches are refused before anything is bound or computed, naming the place. */
class BadInputTest {
  private final Random rng = new Random(20);
  private Mlp params;
  private Batch batch;
  private ValueAndGradFn<Mlp, Batch> fn;

  @BeforeEach
  void buildAndRunOnce() {
    params = MlpModel.params(rng, DataType.DOUBLE);
    batch = MlpModel.batch(rng, DataType.DOUBLE, 6);
    fn = Grad.valueAndGrad(MlpModel.LOSS, params, batch);
    fn.apply(params, batch);
  }

  /** The call failed before binding: the graph still holds the previous call's params. */
  private void assertNothingBound() {
    assertSame(params.hidden().kernel(), fn.sameDiff().getArrForVarName("params.hidden.kernel"));
    assertSame(params.out().bias(), fn.sameDiff().getArrForVarName("params.out.bias"));
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "expected \"" + part + "\" in: " + e.getMessage());
    }
  }

  @Test
  void batchLeafOfWrongShapeNamesThePlaceholder() {
    Mlp other = MlpModel.params(rng, DataType.DOUBLE);
    Batch wide = new Batch(randn(rng, DataType.DOUBLE, 6, 5), batch.y());
    InvalidTreeException e = assertThrows(InvalidTreeException.class, () -> fn.apply(other, wide));
    assertEquals(".x", e.path().keystr());
    assertMessage(e, "batch.x (placeholder): expected float64[?, 3] but found float64[6, 5]");
    assertNothingBound();
  }

  @Test
  void batchLeafOfWrongRankOrTypeNamesThePlaceholder() {
    InvalidTreeException rank = assertThrows(InvalidTreeException.class,
        () -> fn.apply(params, new Batch(batch.x(), randn(rng, DataType.DOUBLE, 6))));
    assertMessage(rank, "batch.y (placeholder): expected float64[?, 4] but found float64[6]");
    InvalidTreeException type = assertThrows(InvalidTreeException.class,
        () -> fn.apply(params, new Batch(batch.x().castTo(DataType.FLOAT), batch.y())));
    assertMessage(type, "batch.x (placeholder): expected float64[?, 3] but found float32[6, 3]");
    InvalidTreeException missing = assertThrows(InvalidTreeException.class,
        () -> fn.apply(params, new Batch(batch.x(), null)));
    assertMessage(missing, "batch.y (placeholder): expected float64[?, 4] but found null");
  }

  @Test
  void batchLeavesWithDifferentBatchSizesAreRefused() {
    Batch ragged = new Batch(batch.x(), MlpModel.batch(rng, DataType.DOUBLE, 5).y());
    InvalidTreeException e = assertThrows(InvalidTreeException.class, () -> fn.apply(params, ragged));
    assertMessage(e, "batch.x has 6 but batch.y has 5");
  }

  @Test
  void missingAndExtraPlaceholdersOfAMapBatchAreNamed() {
    Map<String, INDArray> example = Map.of("x", batch.x(), "y", batch.y());
    ValueAndGradFn<Mlp, Map<String, INDArray>> mapFn = Grad.valueAndGrad(
        (g, p, b) -> g.var(b.get("y")).mul(g.sd().nn.logSoftmax(MlpModel.logits(g, p, g.var(b.get("x"))))).sum(1).mean().neg(),
        params, example);
    mapFn.apply(params, example);

    TreeMismatchException missing = assertThrows(TreeMismatchException.class,
        () -> mapFn.apply(params, Map.of("x", batch.x())));
    assertMessage(missing, "placeholders [batch['x'], batch['y']]", "missing ['y']");
    TreeMismatchException extra = assertThrows(TreeMismatchException.class,
        () -> mapFn.apply(params, Map.of("x", batch.x(), "y", batch.y(), "z", batch.y())));
    assertMessage(extra, "unexpected ['z']");
  }

  @Test
  void paramsLeafOfWrongShapeOrTypeNamesTheKeyPath() {
    Mlp tall = params.withHidden(params.hidden().withKernel(randn(rng, DataType.DOUBLE, 4, MlpModel.HIDDEN)));
    InvalidTreeException shape = assertThrows(InvalidTreeException.class, () -> fn.apply(tall, batch));
    assertEquals(".hidden.kernel", shape.path().keystr());
    assertMessage(shape, "params.hidden.kernel: expected float64[3, 5] but found float64[4, 5]");

    Mlp single = params.withOut(params.out().withBias(params.out().bias().castTo(DataType.FLOAT)));
    InvalidTreeException type = assertThrows(InvalidTreeException.class, () -> fn.apply(single, batch));
    assertEquals(".out.bias", type.path().keystr());
    assertMessage(type, "params.out.bias: expected float64[4] but found float32[4]");
    assertNothingBound();
  }

  @Test
  void paramsOfAnotherStructureNameTheKeyPath() {
    TreeMismatchException missing = assertThrows(TreeMismatchException.class,
        () -> fn.apply(params.withOut(null), batch));
    assertEquals(".out", missing.path().keystr());
    assertMessage(missing, "params do not match the graph's params", "at .out: expected Dense");

    TreeMismatchException otherStatic = assertThrows(TreeMismatchException.class,
        () -> fn.apply(params.withActivation("relu"), batch));
    assertMessage(otherStatic, "activation='tanh'");
    assertNothingBound();
  }

  @Test
  void paramsThatCannotBeDifferentiatedAreRefusedAtBuild() {
    Map<String, Object> withStep = Map.of("w", randn(rng, DataType.DOUBLE, 2), "step", 3L);
    InvalidTreeException step = assertThrows(InvalidTreeException.class,
        () -> Grad.valueAndGrad((g, p, b) -> g.var((INDArray) p.get("w")).sum(), withStep, null));
    assertEquals("['step']", step.path().keystr());
    assertMessage(step, "params['step']: every params leaf must be a floating-point INDArray");

    Map<String, Object> ints = Map.of("w", INDArrayOf.ints());
    InvalidTreeException integer = assertThrows(InvalidTreeException.class,
        () -> Grad.valueAndGrad((g, p, b) -> g.var((INDArray) p.get("w")).sum(), ints, null));
    assertMessage(integer, "params['w']");
  }

  @Test
  void graphMisuseInTheLossFunctionIsExplained() {
    IllegalArgumentException notALeaf = assertThrows(IllegalArgumentException.class,
        () -> Grad.valueAndGrad((g, p, b) -> g.var(p.hidden().kernel().dup()).sum(), params, batch));
    assertMessage(notALeaf, "not a leaf of the params or the batch (float64[3, 5])");

    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> Grad.valueAndGrad((g, p, b) -> g.output("batch.x", g.var(p.out().bias())).sum(), params, batch));
    assertMessage(taken, "output name 'batch.x' is already used");

    IllegalArgumentException nullLoss = assertThrows(IllegalArgumentException.class,
        () -> Grad.valueAndGrad((g, p, b) -> null, params, batch));
    assertMessage(nullLoss, "must return a variable of g.sd()");

    Graph[] leaked = new Graph[1];
    Grad.valueAndGrad((g, p, b) -> {
      leaked[0] = g;
      return g.var(p.out().bias()).sum();
    }, params, batch);
    assertThrows(IllegalStateException.class, () -> leaked[0].var(params.out().bias()));
  }

  @Test
  void nonScalarLossIsRefused() {
    ValueAndGradFn<Mlp, Batch> perExample = Grad.valueAndGrad(
        (g, p, b) -> g.var(b.y()).mul(g.sd().nn.logSoftmax(MlpModel.logits(g, p, g.var(b.x())))).sum(1).neg(),
        params, batch);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> perExample.apply(params, batch));
    assertMessage(e, "the loss must be a scalar", "of shape [6]");
  }

  @Test
  void applyFnNeedsANamedOutputOfOnePlaceholder() {
    ValueAndGradFn<Mlp, Batch> withResidual = Grad.valueAndGrad((g, p, b) -> {
      SDVariable logits = MlpModel.logits(g, p, g.var(b.x()));
      SDVariable residual = g.output("residual", logits.sub(g.var(b.y())));
      g.output("bias", g.var(p.out().bias()).mul(2.0));
      return g.sd().math.square(residual).mean();
    }, params, batch);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> withResidual.applyFn("probs"));
    assertMessage(unknown, "no output named 'probs'", "[logits, residual, bias]");
    IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> withResidual.applyFn("residual"));
    assertMessage(two, "output 'residual' depends on the placeholders [batch.x, batch.y]");
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> withResidual.applyFn("bias"));
    assertMessage(none, "output 'bias' depends on the placeholders []");

    InvalidTreeException input = assertThrows(InvalidTreeException.class,
        () -> withResidual.applyFn("logits").apply(params, randn(rng, DataType.DOUBLE, 2, 7)));
    assertMessage(input, "batch.x (placeholder): expected float64[?, 3] but found float64[2, 7]");
    InvalidTreeException wrongParams = assertThrows(InvalidTreeException.class,
        () -> withResidual.applyFn("logits").apply(params.withOut(new Dense(params.out().kernel(), batch.x())), batch.x()));
    assertMessage(wrongParams, "params.out.bias: expected float64[4] but found float64[6, 3]");
  }

  /** An integer INDArray, which cannot be differentiated. */
  private static final class INDArrayOf {
    static INDArray ints() {
      return org.nd4j.linalg.factory.Nd4j.createFromArray(1, 2, 3);
    }
  }
}
