package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.pytree4j.grad.GradAssertions.assertTreesClose;
import static org.pytree4j.grad.GradAssertions.centralDifferences;
import static org.pytree4j.grad.GradAssertions.randn;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/** Gradients against central finite differences (float64), loss values against a plain-Java forward. */
class ValueAndGradTest {
  private static final double EPS = 1e-6;
  private static final double TOL = 1e-6;

  @Test
  void mlpRecordParamsMatchFiniteDifferences() {
    Random rng = new Random(1);
    Mlp params = MlpModel.params(rng, DataType.DOUBLE);
    Batch batch = MlpModel.batch(rng, DataType.DOUBLE, 6);
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad(MlpModel.LOSS, params, batch);

    LossAndGrads<Mlp> out = fn.apply(params, batch);

    assertEquals(Reference.mlpLoss(params, batch), out.loss(), 1e-12);
    assertEquals(PyTrees.structure(params), PyTrees.structure(out.grads()));
    assertSame(Mlp.class, out.grads().getClass());
    assertEquals("tanh", out.grads().activation());
    assertTreesClose(centralDifferences(p -> Reference.mlpLoss(p, batch), params, EPS), out.grads(), TOL);
  }

  /** {@code jax.grad}: the gradients alone, the bits valueAndGrad computes, and finite differences. */
  @Test
  void gradReturnsTheGradientsOnly() {
    Random rng = new Random(4);
    Mlp params = MlpModel.params(rng, DataType.DOUBLE);
    Batch batch = MlpModel.batch(rng, DataType.DOUBLE, 6);
    GradFn<Mlp, Batch> grad = Grad.grad(MlpModel.LOSS, params, batch);
    ValueAndGradFn<Mlp, Batch> reference = Grad.valueAndGrad(MlpModel.LOSS, params, batch);

    Mlp grads = grad.apply(params, batch);

    assertSame(Mlp.class, grads.getClass());
    assertTreesClose(reference.apply(params, batch).grads(), grads, 0);
    assertTreesClose(centralDifferences(p -> Reference.mlpLoss(p, batch), params, EPS), grads, TOL);
    Mlp donated = grad.applyDonating(params, batch, grads);
    assertSame(grads.hidden().kernel(), donated.hidden().kernel(), "the donated arrays are written over");
    assertTreesClose(reference.apply(params, batch).grads(), donated, 0);
  }

  /**
   * Float32 gradients come in arrays the optimizer's engine laid out, which a fused step reads fastest;
   * each call's are new (the previous call's keep their values), donated ones are written over.
   */
  @Test
  void float32GradientsAreLaidOutForTheFusedStep() {
    Random rng = new Random(3);
    Mlp params = MlpModel.params(rng, DataType.FLOAT);
    Batch batch = MlpModel.batch(rng, DataType.FLOAT, 6);
    ValueAndGradFn<Mlp, Batch> fn = Grad.valueAndGrad(MlpModel.LOSS, params, batch);
    LossAndGrads<Mlp> first = fn.apply(params, batch);
    List<Object> firstLeaves = PyTrees.leaves(first.grads());
    Object lease = org.pytree4j.optim.engine.Engine.leaseOf((INDArray) firstLeaves.get(0));
    for (Object g : firstLeaves) {
      assertSame(lease, org.pytree4j.optim.engine.Engine.leaseOf((INDArray) g), "one block for all gradients");
    }
    List<INDArray> copies = new java.util.ArrayList<>();
    firstLeaves.forEach(g -> copies.add(((INDArray) g).dup()));
    LossAndGrads<Mlp> second = fn.apply(params, batch);
    org.junit.jupiter.api.Assertions.assertNotSame(firstLeaves.get(0), PyTrees.leaves(second.grads()).get(0));
    for (int i = 0; i < copies.size(); i++) {
      assertEquals(copies.get(i), firstLeaves.get(i), "a new call leaves the last call's gradients as they were");
    }
    LossAndGrads<Mlp> donated = fn.applyDonating(params, batch, second.grads());
    assertSame(PyTrees.leaves(second.grads()).get(0), PyTrees.leaves(donated.grads()).get(0),
        "the last call's arrays, donated, are written over");
    for (int i = 0; i < copies.size(); i++) {
      assertEquals(copies.get(i), PyTrees.leaves(donated.grads()).get(i), "the same gradients again");
    }
  }

  @Test
  void mapAndListParamsMatchFiniteDifferencesAndUnusedLeafGetsZeros() {
    Random rng = new Random(2);
    Map<String, Object> params = Map.of(
        "layers", List.of(
            Map.of("w", randn(rng, DataType.DOUBLE, 3, 4), "b", randn(rng, DataType.DOUBLE, 4)),
            Map.of("w", randn(rng, DataType.DOUBLE, 4, 2), "b", randn(rng, DataType.DOUBLE, 2))),
        "unused", randn(rng, DataType.DOUBLE, 3));
    Map<String, INDArray> batch = Map.of("x", randn(rng, DataType.DOUBLE, 5, 3), "y", randn(rng, DataType.DOUBLE, 5, 2));
    LossFn<Map<String, Object>, Map<String, INDArray>> loss = (g, p, b) -> {
      List<?> layers = (List<?>) p.get("layers");
      SDVariable h = g.var(b.get("x"));
      for (int i = 0; i < layers.size(); i++) {
        Map<?, ?> layer = (Map<?, ?>) layers.get(i);
        h = h.mmul(g.var((INDArray) layer.get("w"))).add(g.var((INDArray) layer.get("b")));
        if (i < layers.size() - 1) {
          h = g.sd().math.tanh(h);
        }
      }
      return g.sd().math.square(h.sub(g.var(b.get("y")))).mean();
    };
    ValueAndGradFn<Map<String, Object>, Map<String, INDArray>> fn = Grad.valueAndGrad(loss, params, batch);

    LossAndGrads<Map<String, Object>> out = fn.apply(params, batch);

    assertEquals(reference(params, batch), out.loss(), 1e-12);
    assertEquals(PyTrees.structure(params), PyTrees.structure(out.grads()));
    Map<String, Object> expected = centralDifferences(p -> reference(p, batch), params, EPS);
    assertTreesClose(expected, out.grads(), TOL);
    assertEquals(0.0, ((INDArray) out.grads().get("unused")).norm2Number().doubleValue(), 0.0);
    assertEquals(DataType.DOUBLE, ((INDArray) out.grads().get("unused")).dataType());
  }

  @SuppressWarnings("unchecked")
  private static double reference(Map<String, Object> p, Map<String, INDArray> b) {
    List<Map<String, INDArray>> layers = (List<Map<String, INDArray>>) p.get("layers");
    double[][] h = Reference.matrix(b.get("x"));
    for (int i = 0; i < layers.size(); i++) {
      h = Reference.affine(h, Reference.matrix(layers.get(i).get("w")), Reference.vector(layers.get(i).get("b")));
      if (i < layers.size() - 1) {
        h = Reference.tanh(h);
      }
    }
    return Reference.meanSquaredError(h, Reference.matrix(b.get("y")));
  }

  @Test
  void nestedRecordParamsMatchFiniteDifferences() {
    Random rng = new Random(3);
    Tower params = new Tower(
        MlpModel.params(rng, DataType.DOUBLE),
        new Head(new Dense(randn(rng, DataType.DOUBLE, MlpModel.CLASSES, 2), randn(rng, DataType.DOUBLE, 2)),
            List.of(randn(rng, DataType.DOUBLE, 2), randn(rng, DataType.DOUBLE, 2))));
    Map<String, INDArray> batch = Map.of("x", randn(rng, DataType.DOUBLE, 4, MlpModel.IN), "y", randn(rng, DataType.DOUBLE, 4, 2));
    LossFn<Tower, Map<String, INDArray>> loss = (g, p, b) -> {
      SDVariable z = MlpModel.logits(g, p.trunk(), g.var(b.get("x")));
      SDVariable u = MlpModel.dense(g, p.head().proj(), z);
      SDVariable out = u.mul(g.var(p.head().scales().get(0))).add(g.var(p.head().scales().get(1)));
      return g.sd().math.square(out.sub(g.var(b.get("y")))).mean();
    };
    ValueAndGradFn<Tower, Map<String, INDArray>> fn = Grad.valueAndGrad(loss, params, batch);

    LossAndGrads<Tower> out = fn.apply(params, batch);

    assertEquals(reference(params, batch), out.loss(), 1e-12);
    assertEquals(PyTrees.structure(params), PyTrees.structure(out.grads()));
    assertTreesClose(centralDifferences(p -> reference(p, batch), params, EPS), out.grads(), TOL);
  }

  private static double reference(Tower p, Map<String, INDArray> b) {
    double[][] u = Reference.dense(Reference.mlpLogits(p.trunk(), Reference.matrix(b.get("x"))), p.head().proj());
    double[] scale = Reference.vector(p.head().scales().get(0));
    double[] shift = Reference.vector(p.head().scales().get(1));
    for (double[] row : u) {
      for (int c = 0; c < row.length; c++) {
        row[c] = row[c] * scale[c] + shift[c];
      }
    }
    return Reference.meanSquaredError(u, Reference.matrix(b.get("y")));
  }

  @Test
  void float32ParamsGiveFloat32GradientsCloseToTheFloat64Ones() {
    Random rng = new Random(4);
    Mlp params = MlpModel.params(rng, DataType.FLOAT);
    Batch batch = MlpModel.batch(rng, DataType.FLOAT, 8);
    Mlp params64 = PyTrees.map((INDArray a) -> a.castTo(DataType.DOUBLE), params);
    Batch batch64 = PyTrees.map((INDArray a) -> a.castTo(DataType.DOUBLE), batch);

    LossAndGrads<Mlp> out = Grad.valueAndGrad(MlpModel.LOSS, params, batch).apply(params, batch);

    assertEquals(Reference.mlpLoss(params64, batch64), out.loss(), 1e-5);
    for (Object leaf : PyTrees.leaves(out.grads())) {
      assertEquals(DataType.FLOAT, ((INDArray) leaf).dataType());
    }
    LossAndGrads<Mlp> out64 = Grad.valueAndGrad(MlpModel.LOSS, params64, batch64).apply(params64, batch64);
    assertTreesClose(out64.grads(), PyTrees.map((INDArray a) -> a.castTo(DataType.DOUBLE), out.grads()), 1e-4);
  }

  @Test
  void batchWithoutLeadingDimensionFixedAndParamsOnlyLoss() {
    Random rng = new Random(5);
    INDArray w = randn(rng, DataType.DOUBLE, 3);
    // no batch at all: the loss of the params alone, sum(w^3)
    ValueAndGradFn<INDArray, Object> fn = Grad.valueAndGrad(
        (g, p, b) -> g.sd().math.cube(g.var(p)).sum(), w, null);
    LossAndGrads<INDArray> out = fn.apply(w, null);
    double[] values = w.toDoubleVector();
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      sum += values[i] * values[i] * values[i];
      assertEquals(3 * values[i] * values[i], out.grads().getDouble(i), 1e-12);
    }
    assertEquals(sum, out.loss(), 1e-12);
    assertEquals("params", fn.sameDiff().getVariable("params").name());
  }

  @Test
  void variablesAndPlaceholdersAreNamedByKeyPathsUnsanitized() {
    Random rng = new Random(7);
    Map<String, Object> params = Map.of("enc/dense:0", Map.of("it's", randn(rng, DataType.DOUBLE, 2)));
    Map<String, INDArray> batch = Map.of("x", randn(rng, DataType.DOUBLE, 3, 2));
    ValueAndGradFn<Map<String, Object>, Map<String, INDArray>> fn = Grad.valueAndGrad((g, p, b) -> {
      INDArray w = (INDArray) ((Map<?, ?>) p.get("enc/dense:0")).get("it's");
      return g.var(b.get("x")).mul(g.var(w)).sum();
    }, params, batch);

    assertEquals(org.nd4j.autodiff.samediff.VariableType.VARIABLE,
        fn.sameDiff().getVariable("params['enc/dense:0']['it\\'s']").getVariableType());
    assertEquals(org.nd4j.autodiff.samediff.VariableType.PLACEHOLDER,
        fn.sameDiff().getVariable("batch['x']").getVariableType());
    LossAndGrads<Map<String, Object>> out = fn.apply(params, batch);
    INDArray grad = (INDArray) ((Map<?, ?>) out.grads().get("enc/dense:0")).get("it's");
    assertArrayEquals(GradAssertions.values(batch.get("x").sum(0)), GradAssertions.values(grad), 1e-12);
  }

  @Test
  void oneArrayAtTwoLeavesIsTwoParams() {
    Random rng = new Random(6);
    INDArray shared = randn(rng, DataType.DOUBLE, 3);
    Map<String, INDArray> params = Map.of("a", shared, "b", shared);
    // loss = sum(a * a * b): d/da = 2ab, d/db = a^2, which differ; a tied lookup would mix them up
    ValueAndGradFn<Map<String, INDArray>, Object> fn = Grad.valueAndGrad((g, p, b) -> {
      SDVariable a = g.var(p.get("a"));
      return a.mul(a).mul(g.var(p.get("b"))).sum();
    }, params, null);
    LossAndGrads<Map<String, INDArray>> out = fn.apply(params, null);
    for (int i = 0; i < 3; i++) {
      double v = shared.getDouble(i);
      assertEquals(2 * v * v, out.grads().get("a").getDouble(i), 1e-12);
      assertEquals(v * v, out.grads().get("b").getDouble(i), 1e-12);
    }
  }
}
