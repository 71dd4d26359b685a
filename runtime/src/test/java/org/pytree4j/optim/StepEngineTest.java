package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.sgd;

import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.optim.kernels.NativeKernels;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/**
 * Engines of their own: the same bits as the default engine whatever their threads and kernels,
 * their own counts, a transformation bound to one steps there (a train state's too), and closing.
 */
class StepEngineTest {
  private static final ApplyFn<Map<String, Object>> APPLY = (params, x) -> x;

  private static Map<String, Object> params(Random r) {
    return Map.of("dense", new Dense(Arrays32.random(r, 1, 300, 70), Arrays32.random(r, 1, 70)),
        "head", Arrays32.random(r, 1, 70, 3));
  }

  @Test
  void everyEngineGivesTheDefaultEnginesBits() {
    GradientTransformation tx = chain(clipByGlobalNorm(0.5), adamw(1e-2).weightDecay(1e-3));
    Random r = new Random(3);
    Map<String, Object> start = params(r);
    Map<String, Object> grads = Arrays32.randomLike(r, start);
    OptimizerStep<Map<String, Object>> expected = Optax.step(tx, start, tx.init(start), grads);
    for (StepEngine.Builder b : new StepEngine.Builder[] {
        StepEngine.builder().threads(1).javaOnly(),
        StepEngine.builder().threads(2).kernels(EnumSet.of(StepEngine.Kernel.VECTOR_API)),
        StepEngine.builder().threads(3).kernels(EnumSet.of(StepEngine.Kernel.NATIVE)).poolBytes(1L << 22)}) {
      try (StepEngine engine = b.build()) {
        OptimizerStep<Map<String, Object>> got = engine.step(tx, start, tx.init(start), grads);
        Arrays32.assertSameBits(expected.params(), got.params(), engine + " params");
        Arrays32.assertSameBits(expected.state(), got.state(), engine + " state");
        StepEngine.Stats stats = engine.stats();
        assertEquals(1, stats.steps());
        assertEquals(1, stats.fusedSteps(), engine.toString());
        assertEquals(1, stats.nativePasses() + stats.vectorPasses() + stats.javaPasses(), "one main pass");
      }
    }
  }

  @Test
  void aJavaOnlyEngineRunsTheJavaPassesAndCountsOnlyItsOwnSteps() {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(5);
    Map<String, Object> params = params(r);
    OptState state = tx.init(params);
    try (StepEngine engine = StepEngine.builder().threads(1).javaOnly().build()) {
      long defaultSteps = StepEngine.defaultEngine().stats().steps();
      for (int i = 0; i < 3; i++) {
        OptimizerStep<Map<String, Object>> next = engine.step(tx, params, state, Arrays32.randomLike(r, params));
        params = next.params();
        state = next.state();
      }
      StepEngine.Stats stats = engine.stats();
      assertEquals(new StepEngine.Stats(3, 3, 0, 0, 3, 0, stats.reusedMemory()), stats);
      assertEquals(defaultSteps, StepEngine.defaultEngine().stats().steps(), "the default engine ran none of them");
      assertTrue(engine.toString().contains("1 thread, Java array kernels"), engine.toString());
    }
  }

  @Test
  void theNativeKernelIsCountedWhereItRuns() {
    org.junit.jupiter.api.Assumptions.assumeTrue(NativeKernels.AVAILABLE, "the native kernel is built on linux-x86_64 with gcc");
    Random r = new Random(7);
    Map<String, Object> params = params(r);
    try (StepEngine engine = StepEngine.builder().kernels(EnumSet.of(StepEngine.Kernel.NATIVE)).build()) {
      engine.step(adam(1e-2), params, adam(1e-2).init(params), Arrays32.randomLike(r, params));
      engine.step(sgd(0.1, 0.9), params, sgd(0.1, 0.9).init(params), Arrays32.randomLike(r, params));
      StepEngine.Stats stats = engine.stats();
      assertEquals(1, stats.nativePasses(), "adam in the native kernel");
      assertEquals(1, stats.javaPasses(), "sgd with momentum in Java");
    }
  }

  @Test
  void aBoundTransformationStepsOnItsEngineAlsoInATrainState() {
    Random r = new Random(11);
    Map<String, Object> params = params(r);
    GradientTransformation tx = adamw(1e-3);
    try (StepEngine engine = StepEngine.builder().threads(1).javaOnly().build()) {
      GradientTransformation bound = engine.bind(tx);
      assertEquals(tx.toString(), bound.toString());
      assertEquals(bound, engine.bind(bound), "binding again binds the same transformation");
      TrainState<Map<String, Object>> viaEngine = TrainStatePyTree.create(APPLY, params, bound);
      TrainState<Map<String, Object>> viaDefault = TrainStatePyTree.create(APPLY, params, tx);
      assertEquals(PyTrees.structure(viaDefault.optState()), PyTrees.structure(viaEngine.optState()), "the same state");
      for (int i = 0; i < 3; i++) {
        Map<String, Object> grads = Arrays32.randomLike(r, params);
        viaEngine = viaEngine.applyGradients(grads);
        viaDefault = viaDefault.applyGradients(grads);
      }
      Arrays32.assertSameBits(viaDefault.params(), viaEngine.params(), "params");
      Arrays32.assertSameBits(viaDefault.optState(), viaEngine.optState(), "optState");
      assertEquals(3, engine.stats().steps(), "the train state's steps ran on the engine");
      // stepped through another engine, it still runs on the one it is bound to
      try (StepEngine other = StepEngine.builder().build()) {
        other.step(bound, params, bound.init(params), Arrays32.randomLike(r, params));
        assertEquals(0, other.stats().steps());
        assertEquals(4, engine.stats().steps());
      }
    }
  }

  @Test
  void unfusedStepsRunOnTheEngineToo() {
    Random r = new Random(13);
    Map<String, Object> params = Map.of("w", Arrays32.random(r, 1, 5).castTo(DataType.DOUBLE));
    try (StepEngine engine = StepEngine.builder().build()) {
      OptimizerStep<Map<String, Object>> step =
          engine.stepDonating(adam(1e-2), params, adam(1e-2).init(params), Map.of("w", ((INDArray) params.get("w")).mul(0.1)));
      assertEquals(new StepEngine.Stats(1, 0, 0, 0, 0, 0, 0), engine.stats(), "float64: not fused");
      assertNotSame(params.get("w"), step.params().get("w"));
      assertThrows(IllegalStateException.class, () -> ((INDArray) params.get("w")).getDouble(0), "donated");
    }
  }

  @Test
  void theDefaultEngineIsSharedAndStaysOpen() {
    assertSame(StepEngine.defaultEngine(), StepEngine.defaultEngine());
    assertThrows(IllegalStateException.class, () -> StepEngine.defaultEngine().close());
  }

  @Test
  void badSettingsAreRefusedByName() {
    IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
        () -> StepEngine.builder().threads(0));
    assertEquals("an engine needs at least one thread, not 0", threads.getMessage());
    IllegalArgumentException pool = assertThrows(IllegalArgumentException.class,
        () -> StepEngine.builder().poolBytes(0));
    assertEquals("poolBytes must be positive, or -1 to adapt, not 0", pool.getMessage());
    assertThrows(NullPointerException.class, () -> StepEngine.defaultEngine().bind(null));
  }

  @Test
  void theThreadsPropertySetsTheDefaultThreadCount() {
    String before = System.getProperty("pytree4j.optim.threads");
    try {
      System.setProperty("pytree4j.optim.threads", "1");
      try (StepEngine engine = StepEngine.builder().javaOnly().build()) {
        assertTrue(engine.toString().contains("(1 thread,"), engine.toString());
      }
      System.setProperty("pytree4j.optim.threads", "two");
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, StepEngine::builder);
      assertEquals("-Dpytree4j.optim.threads must be a positive number of threads, not 'two'", bad.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty("pytree4j.optim.threads");
      } else {
        System.setProperty("pytree4j.optim.threads", before);
      }
    }
  }

  @Test
  void aClosedEngineStillFinishesStepsOnTheCallersThread() {
    Random r = new Random(17);
    Map<String, Object> params = params(r);
    StepEngine engine = StepEngine.builder().threads(2).build();
    OptimizerStep<Map<String, Object>> before = engine.step(adam(1e-2), params, adam(1e-2).init(params),
        Arrays32.randomLike(new Random(1), params));
    engine.close();
    OptimizerStep<Map<String, Object>> after = engine.step(adam(1e-2), params, adam(1e-2).init(params),
        Arrays32.randomLike(new Random(1), params));
    Arrays32.assertSameBits(before.params(), after.params(), "params");
  }
}
