package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.pytree4j.grad.GradAssertions.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Mlp;

/** The graph is built once and reused; params are bound by reference; gradients belong to the caller. */
class GraphReuseTest {

  @Test
  void graphIsBuiltOnceAndEveryCallComputesItsOwnParams() {
    Random rng = new Random(10);
    AtomicInteger builds = new AtomicInteger();
    LossFn<Mlp, Batch> counted = (g, p, b) -> {
      builds.incrementAndGet();
      return MlpModel.LOSS.loss(g, p, b);
    };
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad(counted, MlpModel.params(rng, DataType.DOUBLE),
        MlpModel.batch(rng, DataType.DOUBLE, 4));
    SameDiff sd = fn.sameDiff();
    SameDiff gradGraph = sd.getFunction("grad");
    int ops = sd.getOps().size();
    int gradOps = gradGraph.getOps().size();

    for (int step = 0; step < 5; step++) {
      Mlp params = MlpModel.params(rng, DataType.DOUBLE);
      Batch batch = MlpModel.batch(rng, DataType.DOUBLE, 3 + step);   // the batch size may change
      LossAndGrads<Mlp> out = fn.apply(params, batch);
      assertEquals(Reference.mlpLoss(params, batch), out.loss(), 1e-12);
      // bound by reference: the graph's variable holds the caller's array, not a copy
      assertSame(params.hidden().kernel(), sd.getArrForVarName("params.hidden.kernel"));
      assertSame(params.out().bias(), gradGraph.getArrForVarName("params.out.bias"));
    }

    assertEquals(1, builds.get());
    assertSame(sd, fn.sameDiff());
    assertSame(gradGraph, sd.getFunction("grad"));
    assertEquals(ops, sd.getOps().size());
    assertEquals(gradOps, gradGraph.getOps().size());
  }

  @Test
  void gradientsOfOneCallAreNotChangedByTheNextAndInputsAreNotTouched() {
    Random rng = new Random(11);
    Mlp params = MlpModel.params(rng, DataType.DOUBLE);
    Batch batch = MlpModel.batch(rng, DataType.DOUBLE, 6);
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad(MlpModel.LOSS, params, batch);

    List<Mlp> grads = new ArrayList<>();
    List<List<double[]>> snapshots = new ArrayList<>();
    List<double[]> paramValues = snapshot(params);
    List<double[]> batchValues = snapshot(batch);
    for (int step = 0; step < 4; step++) {
      // same shapes every step, so an array cache reusing buffers would show here
      Mlp p = step == 0 ? params : MlpModel.params(rng, DataType.DOUBLE);
      Mlp g = fn.apply(p, step == 0 ? batch : MlpModel.batch(rng, DataType.DOUBLE, 6)).grads();
      grads.add(g);
      snapshots.add(snapshot(g));
    }

    for (int step = 0; step < grads.size(); step++) {
      List<double[]> now = snapshot(grads.get(step));
      for (int leaf = 0; leaf < now.size(); leaf++) {
        assertArrayEquals(snapshots.get(step).get(leaf), now.get(leaf), 0.0, "step " + step + " leaf " + leaf);
      }
    }
    List<Object> first = PyTrees.leaves(grads.get(0));
    List<Object> second = PyTrees.leaves(grads.get(1));
    for (int leaf = 0; leaf < first.size(); leaf++) {
      assertNotSame(first.get(leaf), second.get(leaf));
    }
    assertValuesEqual(paramValues, snapshot(params));
    assertValuesEqual(batchValues, snapshot(batch));
  }

  private static List<double[]> snapshot(Object tree) {
    List<double[]> values = new ArrayList<>();
    for (Object leaf : PyTrees.leaves(tree)) {
      values.add(values((INDArray) leaf));
    }
    return values;
  }

  private static void assertValuesEqual(List<double[]> expected, List<double[]> actual) {
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), 0.0);
    }
  }
}
