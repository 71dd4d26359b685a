package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.grad.GradAssertions.randn;
import static org.pytree4j.grad.PlanMatchesSameDiffTest.bitsMismatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;
import org.pytree4j.nn.BatchNormStats;
import org.pytree4j.random.PRNGKey;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.Variables;

/**
 * {@code valueAndGradWithAux}: (loss, aux, grads) with aux in the declared structure, gradients of the
 * params only, batch statistics and random draws passed through, bit for bit what SameDiff's
 * {@code calculateGradientsAndOutputs} computes on the same graph and inputs; and the errors.
 */
class AuxValueAndGradTest {
  private static final double RATE = 0.3;

  @Test
  void planMatchesSameDiffForLossAuxAndGradsWithStatsAndDraws() {
    String before = System.getProperty(OpThreads.PROPERTY);
    System.setProperty(OpThreads.PROPERTY, "1");   // the reference runs with 1 thread too
    try {
      planMatchesSameDiff();
    } finally {
      if (before == null) {
        System.clearProperty(OpThreads.PROPERTY);
      } else {
        System.setProperty(OpThreads.PROPERTY, before);
      }
    }
  }

  private static void planMatchesSameDiff() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Random rng = new Random(50);
      var fn = Grad.valueAndGradWithAux(BnDropoutModel.loss(RATE), BnDropoutModel.variables(rng, type),
          BnDropoutModel.batch(rng, type, 8));
      int[] batchSizes = {8, 8, 5, 8};
      for (int step = 0; step < batchSizes.length; step++) {
        var variables = BnDropoutModel.variables(rng, type);
        Batch batch = BnDropoutModel.batch(rng, type, batchSizes[step]);
        PRNGKey key = PRNGKey.of(7).foldIn(step);
        LossAuxAndGrads<Map<String, Object>, Map<String, Object>> planned = fn.apply(variables, batch, key);
        assertNotNull(fn.planFor(batchSizes[step]), "the call ran on a plan");
        assertMatchesSameDiff(fn, variables, batch, key, planned, type + " step " + step);
      }
    }
  }

  @Test
  void auxComesBackInTheDeclaredStructureAsNewArrays() {
    Random rng = new Random(51);
    var variables = BnDropoutModel.variables(rng, DataType.FLOAT);
    var fn = Grad.valueAndGradWithAux(BnDropoutModel.loss(RATE), variables, BnDropoutModel.batch(rng, DataType.FLOAT, 8));
    var out = fn.apply(variables, BnDropoutModel.batch(rng, DataType.FLOAT, 8), PRNGKey.of(1));
    assertEquals(List.of("batch_stats", "logits"), List.copyOf(out.aux().keySet()));
    assertEquals(List.of(8L, (long) BnDropoutModel.CLASSES), List.of(BnDropoutModel.logits(out.aux()).shape()[0],
        BnDropoutModel.logits(out.aux()).shape()[1]));
    Object stats = ((Map<?, ?>) out.aux().get("batch_stats")).get("bn");
    BatchNormStats newStats = assertInstanceOf(BatchNormStats.class, stats, "the record type the stats have");
    assertEquals(PyTrees.structure(variables.batchStats()), PyTrees.structure(out.aux().get("batch_stats")));
    assertEquals(PyTrees.structure(variables.params()), PyTrees.structure(out.grads()), "gradients of the params only");
    assertNotEquals(variables.batchStats().get("bn"), newStats, "the running statistics moved");

    var again = fn.apply(variables, BnDropoutModel.batch(new Random(9), DataType.FLOAT, 8), PRNGKey.of(1));
    assertTrue(BnDropoutModel.logits(out.aux()) != BnDropoutModel.logits(again.aux()), "each call's aux is its own");
  }

  @Test
  void theSameKeyGivesTheSameDrawsAndAnotherKeyOthers() {
    Random rng = new Random(52);
    var variables = BnDropoutModel.variables(rng, DataType.DOUBLE);
    Batch batch = BnDropoutModel.batch(rng, DataType.DOUBLE, 16);
    var fn = Grad.valueAndGradWithAux(BnDropoutModel.loss(0.5), variables, batch);
    double first = fn.apply(variables, batch, PRNGKey.of(3)).loss();
    assertEquals(first, fn.apply(variables, batch, PRNGKey.of(3)).loss(), 0.0);
    assertNotEquals(first, fn.apply(variables, batch, PRNGKey.of(4)).loss());
  }

  @Test
  void donatedGradientsAreReusedAndHoldTheNewValues() {
    Random rng = new Random(53);
    var variables = BnDropoutModel.variables(rng, DataType.FLOAT);
    Batch batch = BnDropoutModel.batch(rng, DataType.FLOAT, 8);
    var fn = Grad.valueAndGradWithAux(BnDropoutModel.loss(RATE), variables, batch);
    var first = fn.apply(variables, batch, PRNGKey.of(1));
    INDArray kernel = ((Dense) first.grads().get("hidden")).kernel();
    var expected = Grad.valueAndGradWithAux(BnDropoutModel.loss(RATE), variables, batch).apply(variables, batch,
        PRNGKey.of(2));
    var donated = fn.applyDonating(variables, batch, PRNGKey.of(2), first.grads());
    assertSame(kernel, ((Dense) donated.grads().get("hidden")).kernel(), "written over the donated arrays");
    GradAssertions.assertTreesClose(expected.grads(), donated.grads(), 0);
    assertEquals(expected.loss(), donated.loss(), 0.0);
  }

  @Test
  void mismatchedVariablesNameTheCollectionAndTheKeyPath() {
    Random rng = new Random(54);
    var variables = BnDropoutModel.variables(rng, DataType.FLOAT);
    Batch batch = BnDropoutModel.batch(rng, DataType.FLOAT, 8);
    var fn = Grad.valueAndGradWithAux(BnDropoutModel.loss(RATE), variables, batch);

    var shortMean = new Variables<>(variables.params(), Map.<String, Object>of("bn",
        new BatchNormStats(randn(rng, DataType.FLOAT, 5), ((BatchNormStats) variables.batchStats().get("bn")).var())));
    InvalidTreeException shape = assertThrows(InvalidTreeException.class, () -> fn.apply(shortMean, batch, PRNGKey.of(1)));
    assertEquals("batch_stats['bn'].mean (placeholder): expected float32[6] but found float32[5]", shape.getMessage());

    var renamed = new Variables<>(variables.params(), Map.<String, Object>of("bn2", variables.batchStats().get("bn")));
    TreeMismatchException structure = assertThrows(TreeMismatchException.class,
        () -> fn.apply(renamed, batch, PRNGKey.of(1)));
    assertTrue(structure.getMessage().startsWith("batch_stats do not match the graph's batch_stats: "),
        structure.getMessage());
    assertTrue(structure.getMessage().contains("'bn'"), structure.getMessage());

    Map<String, Object> params = new HashMap<>(variables.params());
    params.put("out", new Dense(randn(rng, DataType.FLOAT, 6, 3), randn(rng, DataType.FLOAT, 3)));
    InvalidTreeException param = assertThrows(InvalidTreeException.class,
        () -> fn.apply(new Variables<>(params, variables.batchStats()), batch, PRNGKey.of(1)));
    assertEquals("params['out'].kernel: expected float32[6, 4] but found float32[6, 3]", param.getMessage());

    IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> fn.apply(variables, batch));
    assertTrue(noKey.getMessage().contains("pass a PRNGKey"), noKey.getMessage());
  }

  @Test
  void applyFnEvaluatesWithTheStoredStatisticsAndNamesMismatches() {
    Random rng = new Random(55);
    var variables = BnDropoutModel.variables(rng, DataType.FLOAT);
    Batch batch = BnDropoutModel.batch(rng, DataType.FLOAT, 8);
    ApplyFn<Variables<Map<String, Object>, Map<String, Object>>> eval =
        Grad.applyFn((g, v, x) -> BnDropoutModel.apply(g, v, x, false, RATE), variables, batch.x());
    INDArray logits = eval.apply(variables, BnDropoutModel.batch(rng, DataType.FLOAT, 3).x());
    assertEquals(List.of(3L, (long) BnDropoutModel.CLASSES), List.of(logits.shape()[0], logits.shape()[1]));

    var wrongVar = new Variables<>(variables.params(), Map.<String, Object>of("bn", new BatchNormStats(
        ((BatchNormStats) variables.batchStats().get("bn")).mean(), randn(rng, DataType.DOUBLE, 6))));
    InvalidTreeException e = assertThrows(InvalidTreeException.class, () -> eval.apply(wrongVar, batch.x()));
    assertEquals("batch_stats['bn'].var (placeholder): expected float32[6] but found float64[6]", e.getMessage());

    IllegalStateException train = assertThrows(IllegalStateException.class,
        () -> Grad.applyFn((g, v, x) -> BnDropoutModel.apply(g, v, x, true, 0), variables, batch.x()));
    assertTrue(train.getMessage().contains("read-only in a forward graph"), train.getMessage());
    IllegalStateException dropout = assertThrows(IllegalStateException.class,
        () -> Grad.applyFn((g, p, x) -> g.bernoulli(0.5, x), variables.params(), batch.x()));
    assertTrue(dropout.getMessage().contains("deterministic"), dropout.getMessage());
  }

  @Test
  void auxLeavesMustStandForGraphValues() {
    Random rng = new Random(56);
    var variables = BnDropoutModel.variables(rng, DataType.FLOAT);
    Batch batch = BnDropoutModel.batch(rng, DataType.FLOAT, 8);
    InvalidTreeException e = assertThrows(InvalidTreeException.class, () -> Grad.valueAndGradWithAux(
        (g, v, b) -> LossWithAux.of(g.var(b.x()).sum(), Map.of("x", b.x())), variables, batch));
    assertTrue(e.getMessage().startsWith("aux['x']: every leaf of the aux tree must stand for a graph value"),
        e.getMessage());
    IllegalStateException plain = assertThrows(IllegalStateException.class, () -> Grad.valueAndGrad(
        (g, p, b) -> {
          g.aux(g.var(b.x()));
          return g.var(b.x()).sum();
        }, MlpModel.params(rng, DataType.FLOAT), MlpModel.batch(rng, DataType.FLOAT, 4)));
    assertTrue(plain.getMessage().contains("Grad.valueAndGradWithAux"), plain.getMessage());
    IllegalArgumentException notStats = assertThrows(IllegalArgumentException.class, () -> Grad.valueAndGradWithAux(
        (g, v, b) -> {
          g.update(b.x(), g.var(b.x()));
          return LossWithAux.of(g.var(b.x()).sum(), List.of());
        }, variables, batch));
    assertTrue(notStats.getMessage().startsWith("g.update(...) was given an array that is not a leaf of the batch"
        + " statistics"), notStats.getMessage());
  }

  /** An aux leaf may be an input itself (a param, a batch leaf): it comes back as a copy. */
  @Test
  void auxOfInputsAreCopies() {
    Random rng = new Random(57);
    Mlp params = MlpModel.params(rng, DataType.FLOAT);
    Batch batch = MlpModel.batch(rng, DataType.FLOAT, 4);
    var fn = Grad.valueAndGradWithAux((g, v, b) -> {
      var loss = MlpModel.LOSS.loss(g, v.params(), b);
      return LossWithAux.of(loss, List.of(g.aux(g.var(v.params().out().bias())), g.aux(g.var(b.x())), g.aux(loss)));
    }, Variables.of(params), batch);
    var out = fn.apply(Variables.of(params), batch);
    assertEquals(params.out().bias(), out.aux().get(0));
    assertTrue(params.out().bias() != out.aux().get(0));
    assertEquals(batch.x(), out.aux().get(1));
    assertEquals(out.loss(), out.aux().get(2).getDouble(0), 0.0);
    assertEquals(Grad.valueAndGrad(MlpModel.LOSS, params, batch).apply(params, batch).loss(), out.loss(), 0.0);
  }

  @Test
  void gradIsTheGradientOfValueAndGrad() {
    Random rng = new Random(58);
    Mlp params = MlpModel.params(rng, DataType.DOUBLE);
    Batch batch = MlpModel.batch(rng, DataType.DOUBLE, 6);
    GradFn<Mlp, Batch> grad = Grad.grad(MlpModel.LOSS, params, batch);
    LossAndGrads<Mlp> reference = Grad.valueAndGrad(MlpModel.LOSS, params, batch).apply(params, batch);
    GradAssertions.assertTreesClose(reference.grads(), grad.apply(params, batch), 0);
  }

  private static void assertMatchesSameDiff(AuxValueAndGradFn<Map<String, Object>, Map<String, Object>, Batch,
      Map<String, Object>> fn, Variables<Map<String, Object>, Map<String, Object>> variables, Batch batch, PRNGKey key,
      LossAuxAndGrads<Map<String, Object>, Map<String, Object>> planned, String what) {
    Map<String, INDArray> feed = new HashMap<>();
    for (LeafWithPath leaf : PyTrees.flattenWithPath(batch).leaves()) {
      feed.put("batch" + leaf.path().keystr(), (INDArray) leaf.leaf());
    }
    for (LeafWithPath leaf : PyTrees.flattenWithPath(variables.batchStats()).leaves()) {
      feed.put("batch_stats" + leaf.path().keystr(), (INDArray) leaf.leaf());
    }
    List<RandomDraw> draws = fn.engine().draws();
    PRNGKey[] keys = key.split(draws.size());
    for (int i = 0; i < draws.size(); i++) {
      RandomDraw draw = draws.get(i);
      feed.put(draw.placeholder(), keys[i].bernoulli(draw.p(), draw.dataType(), batch.x().size(0), BnDropoutModel.HIDDEN));
    }
    List<String> paramNames = new ArrayList<>();
    for (LeafWithPath leaf : PyTrees.flattenWithPath(variables.params()).leaves()) {
      paramNames.add("params" + leaf.path().keystr());
      fn.sameDiff().associateArrayWithVariable((INDArray) leaf.leaf(), fn.sameDiff().getVariable("params"
          + leaf.path().keystr()));
    }
    List<String> outputs = new ArrayList<>();
    outputs.add(fn.lossName());
    outputs.addAll(fn.engine().auxNames());
    var environment = org.nd4j.linalg.factory.Nd4j.getEnvironment();
    var blas = org.nd4j.linalg.factory.Nd4j.factory().blas();
    int master = environment.maxMasterThreads();
    int blasThreads = blas.getMaxThreads();
    environment.setMaxMasterThreads(1);   // the thread count the plan gives ops this small
    blas.setMaxThreads(1);
    OutAndGrad reference;
    try {
      reference = fn.sameDiff().calculateGradientsAndOutputs(feed, outputs, paramNames);
    } finally {
      environment.setMaxMasterThreads(master);
      blas.setMaxThreads(blasThreads);
    }
    List<String> mismatches = new ArrayList<>();
    assertEquals(Double.doubleToRawLongBits(reference.getOutputs().get(fn.lossName()).getDouble(0)),
        Double.doubleToRawLongBits(planned.loss()), what + " loss");
    List<LeafWithPath> grads = PyTrees.flattenWithPath(planned.grads()).leaves();
    for (int i = 0; i < grads.size(); i++) {
      String mismatch = bitsMismatch(reference.getGradients().get(paramNames.get(i)), (INDArray) grads.get(i).leaf(),
          what + " " + paramNames.get(i));
      if (mismatch != null) {
        mismatches.add(mismatch);
      }
    }
    List<Object> aux = PyTrees.leaves(planned.aux());
    for (int i = 0; i < aux.size(); i++) {
      String name = fn.engine().auxNames().get(i);
      String mismatch = bitsMismatch(reference.getOutputs().get(name), (INDArray) aux.get(i), what + " aux " + name);
      if (mismatch != null) {
        mismatches.add(mismatch);
      }
    }
    assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
  }
}
