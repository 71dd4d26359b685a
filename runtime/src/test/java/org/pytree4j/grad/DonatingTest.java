package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.grad.GradAssertions.randn;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.examples.Mlp;

/** applyDonating writes the new gradients over the previous call's, and computes what apply computes. */
class DonatingTest {

  @Test
  void donatedGradientsAreReusedAndHoldTheNewCallsValues() {
    Random rng = new Random(50);
    Mlp params = MlpModel.params(rng, DataType.FLOAT);
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad(MlpModel.LOSS, params, MlpModel.batch(rng, DataType.FLOAT, 8));
    ValueAndGradFn<Mlp, Batch> reference = Grad.valueAndGrad(MlpModel.LOSS, params, MlpModel.batch(rng, DataType.FLOAT, 8));

    LossAndGrads<Mlp> out = fn.apply(params, MlpModel.batch(rng, DataType.FLOAT, 8));
    for (int step = 0; step < 4; step++) {
      Mlp p = MlpModel.params(rng, DataType.FLOAT);
      Batch b = MlpModel.batch(rng, DataType.FLOAT, step == 2 ? 5 : 8);   // another batch size: another plan
      List<Object> donated = PyTrees.leaves(out.grads());
      out = fn.applyDonating(p, b, out.grads());
      List<Object> now = PyTrees.leaves(out.grads());
      for (int i = 0; i < now.size(); i++) {
        assertSame(donated.get(i), now.get(i), "step " + step + " leaf " + i + " reused");
      }
      LossAndGrads<Mlp> expected = reference.apply(p, b);
      assertEquals(expected.loss(), out.loss(), 0.0);
      List<Object> want = PyTrees.leaves(expected.grads());
      for (int i = 0; i < now.size(); i++) {
        assertEquals(null, PlanMatchesSameDiffTest.bitsMismatch((INDArray) want.get(i), (INDArray) now.get(i), "leaf " + i));
      }
    }
  }

  @Test
  void gradientsThatAreNotThePreviousCallsAreLeftAlone() {
    Random rng = new Random(51);
    Mlp params = MlpModel.params(rng, DataType.DOUBLE);
    Batch batch = MlpModel.batch(rng, DataType.DOUBLE, 6);
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad(MlpModel.LOSS, params, batch);
    Mlp first = fn.apply(params, batch).grads();
    Mlp second = fn.apply(MlpModel.params(rng, DataType.DOUBLE), batch).grads();
    Mlp copy = PyTrees.map((INDArray a) -> a.dup(), second);
    double[] firstValues = GradAssertions.values(first.hidden().kernel());
    double[] copyValues = GradAssertions.values(copy.hidden().kernel());

    Mlp fromOld = fn.applyDonating(params, batch, first).grads();   // two calls ago: not donatable
    Mlp fromCopy = fn.applyDonating(params, batch, copy).grads();    // not this function's arrays

    assertNotSame(first.hidden().kernel(), fromOld.hidden().kernel());
    assertNotSame(copy.hidden().kernel(), fromCopy.hidden().kernel());
    assertTrue(java.util.Arrays.equals(firstValues, GradAssertions.values(first.hidden().kernel())));
    assertTrue(java.util.Arrays.equals(copyValues, GradAssertions.values(copy.hidden().kernel())));
  }

  @Test
  void aZeroGradientIsZeroAgainAfterTheCallerWroteIntoIt() {
    Random rng = new Random(52);
    Map<String, INDArray> params = Map.of("w", randn(rng, DataType.FLOAT, 3), "unused", randn(rng, DataType.FLOAT, 2));
    ValueAndGradFn<Map<String, INDArray>, Object> fn = Grad.valueAndGrad(
        (g, p, b) -> g.sd().math.square(g.var(p.get("w"))).sum(), params, null);
    LossAndGrads<Map<String, INDArray>> out = fn.apply(params, null);
    out.grads().get("unused").addi(7);

    out = fn.applyDonating(params, null, out.grads());

    assertEquals(0.0, out.grads().get("unused").norm1Number().doubleValue(), 0.0);
  }

  @Test
  void donatedGradientsOfAnotherStructureAreRefused() {
    Random rng = new Random(53);
    Mlp params = MlpModel.params(rng, DataType.DOUBLE);
    Batch batch = MlpModel.batch(rng, DataType.DOUBLE, 6);
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad(MlpModel.LOSS, params, batch);
    Mlp grads = fn.apply(params, batch).grads();

    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> fn.applyDonating(params, batch, grads.withOut(null)));
    assertEquals(".out", e.path().keystr());
    assertTrue(e.getMessage().startsWith("donated grads do not match the params: "), e.getMessage());
  }
}
