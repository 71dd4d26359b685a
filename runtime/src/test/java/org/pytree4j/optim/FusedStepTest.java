package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adabelief;
import static org.pytree4j.optim.Optax.adafactor;
import static org.pytree4j.optim.Optax.adagrad;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamax;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.ema;
import static org.pytree4j.optim.Optax.flatten;
import static org.pytree4j.optim.Optax.identity;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.lamb;
import static org.pytree4j.optim.Optax.lars;
import static org.pytree4j.optim.Optax.lion;
import static org.pytree4j.optim.Optax.nadam;
import static org.pytree4j.optim.Optax.rmsprop;
import static org.pytree4j.optim.Optax.scale;
import static org.pytree4j.optim.Optax.scaleByLearningRate;
import static org.pytree4j.optim.Optax.sgd;
import static org.pytree4j.optim.schedule.Schedules.warmupCosineDecay;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.optim.engine.Engine;
import org.pytree4j.optim.engine.EngineStats;
import org.pytree4j.optim.kernels.DirectKernels;
import org.pytree4j.optim.kernels.NativeKernels;

/**
 * The fused step ({@link Optax#step}) against the unfused reference ({@code tx.update} then
 * {@code applyUpdates}): the same bits for every leaf of the new params and state, over several
 * steps; fallbacks for what cannot be fused; states that stay as they were; donation.
 */
class FusedStepTest {

  static Stream<Arguments> transformations() {
    return Stream.of(
        Arguments.of("adam", adam(1e-2)),
        Arguments.of("nadam", nadam(3e-3).b1(0.8).eps(1e-6).epsRoot(1e-9)),
        Arguments.of("adamw", adamw(1e-2).weightDecay(1e-2)),
        Arguments.of("sgd", sgd(0.1)),
        Arguments.of("lion", lion(3e-3).b1(0.95)),
        Arguments.of("clip (triggers) + inject lion", chain(clipByGlobalNorm(0.5), injectHyperparams(lion(1e-2)))),
        Arguments.of("sgd momentum nesterov", sgd(0.05, 0.9, true)),
        Arguments.of("clip (triggers) + inject adam schedule",
            chain(clipByGlobalNorm(0.5), injectHyperparams(adam(warmupCosineDecay(0, 1e-2, 2, 50))))),
        Arguments.of("clip (does not trigger) + adam", chain(clipByGlobalNorm(1e9), adam(1e-3))),
        Arguments.of("inject sgd", injectHyperparams(sgd(0.1, 0.9))),
        Arguments.of("flatten adam", flatten(adam(1e-2))),
        Arguments.of("flatten (clip (triggers) + inject nadam)",
            flatten(chain(clipByGlobalNorm(0.5), injectHyperparams(nadam(3e-3))))),
        Arguments.of("clip (triggers) + flatten sgd momentum", chain(clipByGlobalNorm(0.5), flatten(sgd(0.05, 0.9)))),
        Arguments.of("identity, scale, scaleByLearningRate schedule",
            chain(identity(), scale(0.5), scaleByLearningRate(warmupCosineDecay(0, 1e-1, 1, 10)))),
        Arguments.of("adagrad", adagrad(0.1)),
        Arguments.of("clip (triggers) + inject adagrad", chain(clipByGlobalNorm(0.5), injectHyperparams(adagrad(0.1)))),
        Arguments.of("adabelief", adabelief(3e-3)),
        Arguments.of("adabelief nesterov", adabelief(1e-2).b1(0.8).nesterov(true)),
        Arguments.of("adamax", adamax(1e-2)),
        Arguments.of("flatten adamax", flatten(adamax(2e-2).b2(0.9))),
        Arguments.of("rmsprop", rmsprop(1e-3)),
        Arguments.of("rmsprop centered, eps outside, bias-corrected from 1, nesterov momentum",
            rmsprop(1e-3).centered(true).epsInSqrt(false).biasCorrection(true).initialScale(1.0).momentum(0.9)
                .nesterov(true)),
        Arguments.of("inject rmsprop momentum schedule", injectHyperparams(rmsprop(warmupCosineDecay(0, 1e-2, 2, 50))
            .momentum(0.9).biasCorrection(true))),
        Arguments.of("ema, scale", chain(ema(0.9), scale(-0.1))));
  }

  /**
   * Names of the cases whose ops are {@link org.pytree4j.optim.kernels.ElementwiseOp.Custom}: they
   * run in the Java pass, which copies each block.
   */
  private static boolean customOps(String name) {
    return Stream.of("lion", "adagrad", "adabelief", "adamax", "rmsprop", "ema").anyMatch(name::contains);
  }

  /**
   * Odd sizes, a rank-0 leaf, nested dict, list and record, and one leaf of more pieces than there are
   * threads (so a thread runs several pieces with the same scratch).
   */
  private static Map<String, Object> params(Random r) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("dense", new Dense(Arrays32.random(r, 1, 3, 5), Arrays32.random(r, 1, 1)));
    p.put("list", List.of(Arrays32.random(r, 1, 1023), Arrays32.random(r, 1, 1025), Arrays32.random(r, 1, 4097)));
    p.put("scalar", Arrays32.scalar(0.75));
    p.put("big", Arrays32.random(r, 1, 5 * Engine.PIECE + 1_001));
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transformations")
  void fusedStepsGiveTheReferenceBits(String name, GradientTransformation tx) {
    Random r = new Random(name.hashCode());
    Map<String, Object> params = params(r);
    OptState state = tx.init(params);
    Map<String, Object> refParams = params;
    OptState refState = state;
    for (int step = 0; step < 4; step++) {
      Map<String, Object> grads = Arrays32.randomLike(r, params);
      OptimizerStep<Map<String, Object>> fused = Optax.step(tx, params, state, grads);
      UpdateResult ref = tx.update(grads, refState, refParams);
      Map<String, Object> refNext = Optax.applyUpdates(refParams, ref.updates());
      Arrays32.assertSameBits(refNext, fused.params(), name + " params, step " + step);
      Arrays32.assertSameBits(ref.state(), fused.state(), name + " state, step " + step);
      assertEquals(PyTrees.structure(ref.state()), PyTrees.structure(fused.state()));
      assertTrue(pooled(fused.params()), name + ": the step was fused");
      params = fused.params();
      state = fused.state();
      refParams = refNext;
      refState = ref.state();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transformations")
  void directAndCopyingPassesGiveTheSameBits(String name, GradientTransformation tx) {
    Assumptions.assumeTrue(DirectKernels.INSTANCE != null,
        "the direct kernels need --add-modules jdk.incubator.vector (runtime/pom.xml passes it)");
    Random r = new Random(name.hashCode() + 1);
    Map<String, Object> start = params(r);
    List<Map<String, Object>> grads = new ArrayList<>();
    for (int step = 0; step < 4; step++) {
      grads.add(Arrays32.randomLike(r, start));
    }
    List<OptimizerStep<Map<String, Object>>> copying = run(tx, start, grads, false, false, false, null);
    Stats stats = new Stats();
    List<OptimizerStep<Map<String, Object>>> direct = run(tx, start, grads, true, false, false, stats);
    long directPasses = stats.last.vectorPasses();
    List<OptimizerStep<Map<String, Object>>> directDonating = run(tx, start, grads, true, false, true, null);
    // adamw's decay reads the params and the Custom ops run in the Java pass: neither has a form on the slabs
    boolean hasDirectForm = !name.startsWith("adamw") && !customOps(name);
    if (hasDirectForm) {
      // the first step reads the caller's arrays; from the second on everything is in slabs
      assertTrue(directPasses >= 3, name + ": direct passes " + directPasses);
    }
    for (int step = 0; step < grads.size(); step++) {
      Arrays32.assertSameBits(copying.get(step).params(), direct.get(step).params(), name + " params, step " + step);
      Arrays32.assertSameBits(copying.get(step).state(), direct.get(step).state(), name + " state, step " + step);
    }
    int last = grads.size() - 1;
    Arrays32.assertSameBits(copying.get(last).params(), directDonating.get(last).params(), name + " donated params");
    Arrays32.assertSameBits(copying.get(last).state(), directDonating.get(last).state(), name + " donated state");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transformations")
  void nativeAndCopyingPassesGiveTheSameBits(String name, GradientTransformation tx) {
    Assumptions.assumeTrue(NativeKernels.AVAILABLE, "the native kernel is built on linux-x86_64 with gcc");
    Random r = new Random(name.hashCode() + 2);
    Map<String, Object> start = params(r);
    List<Map<String, Object>> grads = new ArrayList<>();
    for (int step = 0; step < 4; step++) {
      grads.add(Arrays32.randomLike(r, start));
    }
    List<OptimizerStep<Map<String, Object>>> copying = run(tx, start, grads, false, false, false, null);
    Stats stats = new Stats();
    List<OptimizerStep<Map<String, Object>>> inNative = run(tx, start, grads, false, true, false, stats);
    long nativePasses = stats.last.nativePasses();
    List<OptimizerStep<Map<String, Object>>> nativeDonating = run(tx, start, grads, false, true, true, null);
    boolean adamFamily = name.contains("adam") && !customOps(name);
    // the native pass reads the caller's arrays where they lie, so it runs from the first step on
    assertEquals(adamFamily ? grads.size() : 0, nativePasses, name + ": native passes");
    for (int step = 0; step < grads.size(); step++) {
      Arrays32.assertSameBits(copying.get(step).params(), inNative.get(step).params(), name + " params, step " + step);
      Arrays32.assertSameBits(copying.get(step).state(), inNative.get(step).state(), name + " state, step " + step);
    }
    int last = grads.size() - 1;
    Arrays32.assertSameBits(copying.get(last).params(), nativeDonating.get(last).params(), name + " donated params");
    Arrays32.assertSameBits(copying.get(last).state(), nativeDonating.get(last).state(), name + " donated state");
  }

  /** Where {@link #run} leaves the stats of the engine it ran on. */
  private static final class Stats {
    StepEngine.Stats last;
  }

  /** The steps on an engine of their own that may use the Vector API kernels ({@code direct}) or the native one. */
  private static List<OptimizerStep<Map<String, Object>>> run(GradientTransformation tx, Map<String, Object> params,
      List<Map<String, Object>> grads, boolean direct, boolean inNative, boolean donate, Stats stats) {
    EnumSet<StepEngine.Kernel> kernels = EnumSet.noneOf(StepEngine.Kernel.class);
    if (direct) {
      kernels.add(StepEngine.Kernel.VECTOR_API);
    }
    if (inNative) {
      kernels.add(StepEngine.Kernel.NATIVE);
    }
    try (StepEngine engine = StepEngine.builder().kernels(kernels).build()) {
      List<OptimizerStep<Map<String, Object>>> steps = new ArrayList<>();
      OptState state = tx.init(params);
      Map<String, Object> p = donate ? deepCopy(params) : params;
      for (Map<String, Object> g : grads) {
        OptimizerStep<Map<String, Object>> next = donate ? engine.stepDonating(tx, p, state, g) : engine.step(tx, p, state, g);
        steps.add(donate ? null : next);
        p = next.params();
        state = next.state();
        if (donate && steps.size() == grads.size()) {
          steps.set(steps.size() - 1, next);
        }
      }
      if (stats != null) {
        stats.last = engine.stats();
      }
      return steps;
    }
  }

  @Test
  void oneLeafAndManyLeaves() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adam(1e-3)));
    Random r = new Random(11);
    Map<String, Object> many = new TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      many.put(String.format("w%04d", i), Arrays32.random(r, 1, 1 + r.nextInt(300)));
    }
    for (Object params : List.of(Arrays32.random(r, 1, 200_003), many)) {
      OptState state = tx.init(params);
      Object grads = Arrays32.randomLike(r, params);
      OptimizerStep<Object> fused = Optax.step(tx, params, state, grads);
      UpdateResult ref = tx.update(grads, state, params);
      Arrays32.assertSameBits(Optax.applyUpdates(params, ref.updates()), fused.params(), "params");
      Arrays32.assertSameBits(ref.state(), fused.state(), "state");
      assertTrue(pooled(fused.params()));
    }
  }

  @Test
  void viewsAndFortranOrderInputsAreReadInCOrder() {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(5);
    INDArray big = Arrays32.random(r, 1, 6, 7);
    Map<String, Object> params = Map.of(
        "f", Arrays32.random(r, 1, 4, 3).dup('f'),
        "view", big.get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 6)),
        "t", Arrays32.random(r, 1, 3, 5).transpose(),
        // contiguous views that start inside their buffer: read in place, from their offset
        "row", Arrays32.random(r, 1, 5, 8).getRow(3),
        // ND4J reports a vector sliced from a vector as 'f'; it is contiguous all the same
        "slice", Arrays32.random(r, 1, 20).get(NDArrayIndex.interval(5, 12)));
    Map<String, Object> grads = Map.of(
        "f", Arrays32.random(r, 1, 4, 3),
        "view", Arrays32.random(r, 1, 3, 4).dup('f'),
        "t", Arrays32.random(r, 1, 3, 5).transpose(),
        "row", Arrays32.random(r, 1, 4, 8).getRow(1),
        "slice", Arrays32.random(r, 1, 9).get(NDArrayIndex.interval(2, 9)));
    assertEquals('f', ((INDArray) grads.get("slice")).ordering(), "as ND4J 1.0.0-M2.1 reports it");
    OptState state = tx.init(params);
    Map<String, Object> before = deepCopy(params);
    long copiesBefore = defaultStats().inputCopies();
    OptimizerStep<Map<String, Object>> fused = Optax.step(tx, params, state, grads);
    assertEquals(5, defaultStats().inputCopies() - copiesBefore,
        "copied: the params f, view and t, the grads view and t; not the rows and slices");
    assertTrue(pooled(fused.params()), "the step was fused");
    UpdateResult ref = tx.update(grads, state, params);
    Arrays32.assertSameBits(Optax.applyUpdates(params, ref.updates()), fused.params(), "params");
    Arrays32.assertSameBits(ref.state(), fused.state(), "state");
    Arrays32.assertSameBits(before, params, "inputs unchanged");
  }

  @Test
  void slicesOfOneBufferAreCheckedOnceAndStridedViewsOfTheSameShapeAreCopied() {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(23);
    int leaves = 24;
    int n = 6;
    // DL4J-style flattened gradients: every leaf a slice of one vector (ND4J shares their descriptor)
    INDArray flat = Arrays32.random(r, 1, leaves * n);
    // and columns of a matrix: the same shape, but one element of every row (a descriptor of its own)
    INDArray matrix = Arrays32.random(r, 1, n, leaves);
    Map<String, Object> params = new TreeMap<>();
    Map<String, Object> slices = new TreeMap<>();
    Map<String, Object> mixed = new TreeMap<>();
    for (int i = 0; i < leaves; i++) {
      String key = String.format("w%02d", i);
      params.put(key, Arrays32.random(r, 1, n));
      INDArray slice = flat.get(NDArrayIndex.interval(i * n, (i + 1) * n));
      slices.put(key, slice);
      // a slice, then a column, then a slice ...: a column must never pass for the slice before it
      mixed.put(key, i % 2 == 0 ? slice : matrix.getColumn(i));
    }
    assertEquals(leaves, ((INDArray) mixed.get("w01")).stride(0), "a column steps over a row");
    OptState state = tx.init(params);
    for (Map<String, Object> grads : List.of(slices, mixed)) {
      Map<String, Object> before = deepCopy(params);
      EngineStats statsBefore = defaultStats();
      OptimizerStep<Map<String, Object>> fused = Optax.step(tx, params, state, grads);
      long copies = defaultStats().inputCopies() - statsBefore.inputCopies();
      long checks = defaultStats().foreignChecks() - statsBefore.foreignChecks();
      assertTrue(pooled(fused.params()), "the step was fused");
      if (grads == slices) {
        assertEquals(0, copies, "slices are read in place");
        assertEquals(1, checks, "the first slice's descriptor is checked, the other slices share it");
      } else {
        assertEquals(leaves / 2, copies, "every column is copied, no slice is");
      }
      UpdateResult ref = tx.update(grads, state, params);
      Arrays32.assertSameBits(Optax.applyUpdates(params, ref.updates()), fused.params(), "params");
      Arrays32.assertSameBits(ref.state(), fused.state(), "state");
      Arrays32.assertSameBits(before, params, "inputs unchanged");
    }
  }

  @Test
  void otherDtypesMasksAndNoneFallBackToTheReference() {
    Random r = new Random(9);
    Map<String, Object> mixed = Map.of("f32", Arrays32.random(r, 1, 5), "f64", Arrays32.random(r, 1, 5).castTo(DataType.DOUBLE));
    Map<String, Object> half = Map.of("h", Arrays32.random(r, 1, 5).castTo(DataType.HALF),
        "b", Arrays32.random(r, 1, 5).castTo(DataType.BFLOAT16));
    List<Object[]> cases = List.of(
        new Object[] {adam(1e-2), mixed},
        new Object[] {adam(1e-2), half},
        new Object[] {adam(1e-2).muDtype(DataType.BFLOAT16), Map.of("w", Arrays32.random(r, 1, 5))},
        new Object[] {adamw(1e-2).mask(Mask.of(Map.of("w", true))), Map.of("w", Arrays32.random(r, 1, 5))},
        new Object[] {chain(adam(1e-2), clipByGlobalNorm(0.1)), Map.of("w", Arrays32.random(r, 1, 5))},
        // per-leaf norms and factored moments: not elementwise
        new Object[] {lamb(1e-2), Map.of("w", Arrays32.random(r, 1, 5))},
        new Object[] {lars(1e-1), Map.of("w", Arrays32.random(r, 1, 5))},
        new Object[] {adafactor(1e-2).minDimSizeToFactor(2), Map.of("w", Arrays32.random(r, 1, 3, 4))},
        new Object[] {chain(ema(0.9).accumulatorDtype(DataType.BFLOAT16), scale(-0.1)), Map.of("w", Arrays32.random(r, 1, 5))});
    for (Object[] c : cases) {
      GradientTransformation tx = (GradientTransformation) c[0];
      Object params = c[1];
      OptState state = tx.init(params);
      Object grads = Arrays32.randomLike(r, params);
      OptimizerStep<Object> step = Optax.step(tx, params, state, grads);
      UpdateResult ref = tx.update(grads, state, params);
      Arrays32.assertSameBits(Optax.applyUpdates(params, ref.updates()), step.params(), tx + " params");
      Arrays32.assertSameBits(ref.state(), step.state(), tx + " state");
      assertFalse(pooled(step.params()), tx + " is not fused");
    }
  }

  @Test
  void earlierStatesKeepTheirValuesWhileMemoryIsRecycled() throws InterruptedException {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(17);
    Map<String, Object> params = Map.of("w", Arrays32.random(r, 1, 50_000), "b", Arrays32.random(r, 1, 7));
    OptState state = tx.init(params);
    OptimizerStep<Map<String, Object>> kept = Optax.step(tx, params, state, Arrays32.randomLike(r, params));
    Map<String, Object> keptParams = deepCopy(kept.params());
    OptState keptState = deepCopy(kept.state());
    long reusedBefore = defaultStats().slabsReused();
    OptimizerStep<Map<String, Object>> current = kept;
    for (int i = 0; i < 30; i++) {
      current = Optax.step(tx, current.params(), current.state(), Arrays32.randomLike(r, params));
      if (i % 5 == 0) {
        System.gc();
        Thread.sleep(20);
      }
    }
    Arrays32.assertSameBits(keptParams, kept.params(), "a kept state's params");
    Arrays32.assertSameBits(keptState, kept.state(), "a kept state's moments");
    assertTrue(defaultStats().slabsReused() > reusedBefore, "memory of dropped states was recycled");
  }

  /**
   * An immutable step gives every new leaf a native view, owned by its slab: the
   * views of dropped states come back with their memory and the next step over that memory reuses
   * them, so few are made and they do not pile up.
   */
  @Test
  void theNativeViewsOfDroppedStatesAreReused() throws InterruptedException {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(47);
    Map<String, Object> params = manyLeaves(r, 300, 4);
    Map<String, Object> grads = Arrays32.randomLike(r, params);
    OptimizerStep<Map<String, Object>> current = Optax.step(tx, params, tx.init(params), grads);
    long liveBefore = defaultStats().viewsLive();
    long madeBefore = defaultStats().viewsMade();
    for (int i = 0; i < 40; i++) {
      WeakReference<Object> dropped = new WeakReference<>(current.params().values().iterator().next());
      current = Optax.step(tx, current.params(), current.state(), grads);
      if (i % 5 == 4) {
        collectUntilGone(dropped);
      }
    }
    long made = defaultStats().viewsMade() - madeBefore;
    long grown = defaultStats().viewsLive() - liveBefore;
    // without reuse all 36,000 would be made; a busy machine may return a dropped state's memory a
    // cycle late (ND4J's deallocator thread), so the bound is half of them, not the 5 steps' worth
    // of views that the first cycle must make
    assertTrue(made < 20 * 3 * 300, made + " of the 36,000 views of 40 steps were made, not reused");
    assertTrue(grown < 20 * 3 * 300, grown + " views are still live");
    assertTrue(pooled(current.params()));
  }

  /**
   * Collects until {@code gone} is cleared, then waits for the reference handler to enqueue what that
   * collection found (a fixed sleep after one {@code System.gc()} was sometimes too short on a busy machine).
   */
  private static void collectUntilGone(WeakReference<?> gone) throws InterruptedException {
    for (int i = 0; i < 50 && gone.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertTrue(gone.get() == null, "a dropped state was collected");
    // the rest of the state can come free a cycle later, once ND4J's deallocator thread has run
    // (the suite leaves it busy); more collections return its memory to the pool as well
    for (int i = 0; i < 3; i++) {
      Thread.sleep(20);
      System.gc();
    }
    Thread.sleep(20);
  }

  /**
   * Closing an array makes ND4J unfit its native view for further use: the views of arrays a caller
   * closed are never reused. Every step's new leaves are read by native ops, and the steps give the
   * reference's bits.
   */
  @Test
  void theViewsOfClosedArraysAreNotReused() throws InterruptedException {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(53);
    Map<String, Object> params = manyLeaves(r, 200, 4);
    OptState state = tx.init(params);
    Map<String, Object> refParams = deepCopy(params);
    OptState refState = tx.init(refParams);
    for (int step = 0; step < 24; step++) {
      Map<String, Object> grads = Arrays32.randomLike(r, params);
      OptimizerStep<Map<String, Object>> next = Optax.step(tx, params, state, grads);
      UpdateResult ref = tx.update(grads, refState, refParams);
      refParams = Optax.applyUpdates(refParams, ref.updates());
      refState = ref.state();
      Arrays32.assertSameBits(refParams, next.params(), "params, step " + step);
      Arrays32.assertSameBits(refState, next.state(), "state, step " + step);
      for (INDArray leaf : pooledLeaves(next.params(), next.state())) {
        float[] elements = leaf.toFloatVector();
        assertArrayEquals(elements, leaf.mul(1f).toFloatVector(), "a native op reads the leaf, step " + step);
        if (elements.length > 1) {
          assertArrayEquals(Arrays.copyOfRange(elements, 1, elements.length),
              leaf.get(NDArrayIndex.interval(1, elements.length)).mul(1f).toFloatVector(),
              "a native op reads a view of the leaf, step " + step);
        }
      }
      if (step % 2 == 1) {
        pooledLeaves(params, state).forEach(INDArray::close);
      }
      params = next.params();
      state = next.state();
      if (step % 4 == 3) {
        System.gc();
        Thread.sleep(10);
      }
    }
    assertTrue(pooled(params));
  }

  /** The leaves of {@code trees} that are arrays over the pool's memory. */
  private static List<INDArray> pooledLeaves(Object... trees) {
    List<INDArray> leaves = new ArrayList<>();
    for (Object leaf : PyTrees.leaves(List.of(trees))) {
      if (leaf instanceof INDArray a && pooled(a)) {
        leaves.add(a);
      }
    }
    return leaves;
  }

  @Test
  void donationUpdatesInPlaceAndReleasesTheDonatedArrays() {
    GradientTransformation tx = chain(clipByGlobalNorm(0.5), injectHyperparams(adam(1e-2)));
    Random r = new Random(23);
    Map<String, Object> params = Map.of("w", Arrays32.random(r, 1, 40_000), "b", Arrays32.random(r, 1, 3, 3));
    OptState state = tx.init(params);
    Map<String, Object> refParams = params;
    OptState refState = state;
    OptimizerStep<Map<String, Object>> step = null;
    for (int i = 0; i < 3; i++) {
      Map<String, Object> grads = Arrays32.randomLike(r, params);
      Map<String, Object> gradsCopy = deepCopy(grads);
      UpdateResult ref = tx.update(grads, refState, refParams);
      refParams = Optax.applyUpdates(refParams, ref.updates());
      refState = ref.state();
      Map<String, Object> donated = step == null ? params : step.params();
      OptState donatedState = step == null ? state : step.state();
      INDArray donatedW = (INDArray) donated.get("w");
      org.nd4j.linalg.api.buffer.DataBuffer donatedMemory = donatedW.data();
      step = Optax.stepDonating(tx, donated, donatedState, grads);
      Arrays32.assertSameBits(refParams, step.params(), "params, step " + i);
      Arrays32.assertSameBits(refState, step.state(), "state, step " + i);
      Arrays32.assertSameBits(gradsCopy, grads, "grads are not donated");
      INDArray w = (INDArray) step.params().get("w");
      assertNotSame(donatedW, w);
      if (i > 0) {
        assertSame(donatedMemory, w.data(), "a pooled donated state is updated in place");
      }
      IllegalStateException read = assertThrows(IllegalStateException.class, () -> donatedW.getFloat(0));
      assertTrue(read.getMessage().contains("released"), read.getMessage());
      assertThrows(IllegalStateException.class, () -> donatedW.add(1));
      Map<String, Object> stale = donated;
      OptState staleState = donatedState;
      IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
          () -> Optax.step(tx, stale, staleState, Arrays32.randomLike(new Random(1), stale)));
      assertTrue(again.getMessage().contains("donated") && again.getMessage().contains("['"), again.getMessage());
    }
  }

  /** With many leaves the donated arrays are released by several threads: every one of them, and no other. */
  @Test
  void everyDonatedArrayOfManyLeavesIsReleased() {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(43);
    Map<String, Object> params = manyLeaves(r, 3000, 5);
    OptimizerStep<Map<String, Object>> first = Optax.step(tx, params, tx.init(params), Arrays32.randomLike(r, params));
    Map<String, Object> grads = Arrays32.randomLike(r, params);
    OptimizerStep<Map<String, Object>> second = Optax.stepDonating(tx, first.params(), first.state(), grads);

    List<Object> donated = new ArrayList<>(PyTrees.leaves(first.params()));
    List<Object> kept = new ArrayList<>(PyTrees.leaves(grads));
    kept.addAll(PyTrees.leaves(second.params()));
    for (Object leaf : PyTrees.leaves(first.state())) {
      if (leaf instanceof INDArray) {
        donated.add(leaf);
      }
    }
    for (Object leaf : PyTrees.leaves(second.state())) {
      if (leaf instanceof INDArray) {
        kept.add(leaf);
      }
    }
    assertEquals(3 * 3000, donated.size(), "params, mu and nu");
    for (Object leaf : donated) {
      assertTrue(((INDArray) leaf).wasClosed(), "every donated array is released");
    }
    for (Object leaf : kept) {
      assertFalse(((INDArray) leaf).wasClosed(), "gradients and the new state stay readable");
    }
  }

  /**
   * Many leaves, donated step after step: the leaves are scanned and their new arrays made on
   * several threads, and from the second step on each new array is made over the buffer of the
   * donated array it replaces (checked here for the params). Every step must still be the
   * reference's bits.
   */
  @Test
  void manyLeavesDonatedStepAfterStepGiveTheReferenceBits() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adam(1e-2)));
    Random r = new Random(47);
    Map<String, Object> params = manyLeaves(r, 2500, 7);
    Map<String, Object> refParams = deepCopy(params);
    OptState refState = tx.init(refParams);
    OptimizerStep<Map<String, Object>> step = new OptimizerStep<>(params, tx.init(params));
    for (int i = 0; i < 4; i++) {
      Map<String, Object> grads = Arrays32.randomLike(r, params);
      UpdateResult ref = tx.update(grads, refState, refParams);
      refParams = Optax.applyUpdates(refParams, ref.updates());
      refState = ref.state();
      List<Object> donatedBuffers = new ArrayList<>();
      for (Object leaf : PyTrees.leaves(step.params())) {
        donatedBuffers.add(((INDArray) leaf).data());
      }
      step = Optax.stepDonating(tx, step.params(), step.state(), grads);
      Arrays32.assertSameBits(refParams, step.params(), "params, step " + i);
      Arrays32.assertSameBits(refState, step.state(), "state, step " + i);
      assertTrue(pooled(step.params()), "the step was fused");
      if (i > 0) {
        List<Object> newBuffers = new ArrayList<>();
        for (Object leaf : PyTrees.leaves(step.params())) {
          newBuffers.add(((INDArray) leaf).data());
        }
        assertEquals(2500, newBuffers.size());
        for (int k = 0; k < newBuffers.size(); k++) {
          assertSame(donatedBuffers.get(k), newBuffers.get(k), "leaf " + k + " is updated in place, step " + i);
        }
      }
    }
  }

  /**
   * Gradients that are the arrays of another slab (here the params another step made; in practice
   * updates an earlier transformation made), with a donating step over many leaves: the step reads
   * them without a look-up set of every gradient (none can be a donated array), so it must release
   * only the donated arrays, leave the gradients readable and untouched, and give the reference's bits.
   */
  @Test
  void gradientsThatAreAnotherSlabsArraysStayReadableWhenDonating() {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(53);
    Map<String, Object> params = manyLeaves(r, 2000, 6);
    OptimizerStep<Map<String, Object>> first = Optax.step(tx, params, tx.init(params), Arrays32.randomLike(r, params));
    Map<String, Object> separate = Arrays32.randomLike(r, params);
    Map<String, Object> grads = Optax.step(sgd(0.0), separate, sgd(0.0).init(separate), separate).params();
    assertTrue(pooled(grads), "the gradients are arrays a step made over a slab of their own");
    Map<String, Object> gradsCopy = deepCopy(grads);
    UpdateResult ref = tx.update(gradsCopy, first.state(), first.params());
    Map<String, Object> refParams = Optax.applyUpdates(first.params(), ref.updates());
    OptState refState = ref.state();

    OptimizerStep<Map<String, Object>> donated = Optax.stepDonating(tx, first.params(), first.state(), grads);

    Arrays32.assertSameBits(refParams, donated.params(), "params");
    Arrays32.assertSameBits(refState, donated.state(), "state");
    for (Object leaf : PyTrees.leaves(grads)) {
      assertFalse(((INDArray) leaf).wasClosed(), "a gradient is not released");
    }
    Arrays32.assertSameBits(gradsCopy, grads, "the gradients keep their values");
    for (Object leaf : PyTrees.leaves(first.params())) {
      assertTrue(((INDArray) leaf).wasClosed(), "every donated param is released");
    }
  }

  /**
   * Gradients in arrays the engine laid out ({@link StepEngine#float32Arrays}, as valueAndGrad returns
   * float32 gradients): the step recognises them without checking a leaf by its array, reads them in
   * place, and gives the bits of the same values in separate arrays.
   */
  @Test
  void gradientsTheEngineLaidOutAreReadInPlaceWithTheSameBits() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), adamw(1e-2));
    Random r = new Random(61);
    Map<String, Object> params = manyLeaves(r, 2000, 9);
    OptimizerStep<Map<String, Object>> first = Optax.step(tx, params, tx.init(params), Arrays32.randomLike(r, params));
    Map<String, Object> separate = Arrays32.randomLike(r, params);
    List<long[]> shapes = new ArrayList<>();
    for (Object g : PyTrees.leaves(separate)) {
      shapes.add(((INDArray) g).shape());
    }
    INDArray[] laidOut = StepEngine.defaultEngine().float32Arrays(shapes);
    List<Object> leaves = PyTrees.leaves(separate);
    for (int i = 0; i < laidOut.length; i++) {
      assertEquals(0f, laidOut[i].sumNumber().floatValue(), "made as zeros");
      laidOut[i].assign((INDArray) leaves.get(i));
    }
    Map<String, Object> grads = PyTrees.unflatten(PyTrees.structure(separate), Arrays.asList(laidOut));
    assertTrue(pooled(grads), "laid out in the engine's memory");
    OptimizerStep<Map<String, Object>> expected = Optax.step(tx, first.params(), first.state(), separate);
    EngineStats before = defaultStats();
    OptimizerStep<Map<String, Object>> got = Optax.step(tx, first.params(), first.state(), grads);
    EngineStats after = defaultStats();
    Arrays32.assertSameBits(expected.params(), got.params(), "params");
    Arrays32.assertSameBits(expected.state(), got.state(), "state");
    assertEquals(before.fusedSteps() + 1, after.fusedSteps(), "fused");
    assertEquals(before.foreignChecks(), after.foreignChecks(), "no leaf checked by its array");
    assertEquals(before.inputCopies(), after.inputCopies(), "read in place");
    assertEquals(null, StepEngine.defaultEngine().float32Arrays(List.of(new long[] {3}, new long[] {0})),
        "an empty shape is refused");
    assertEquals(0, StepEngine.defaultEngine().float32Arrays(List.of()).length);
  }

  @Test
  void anArrayPassedAsParamAndGradientIsNotOverwritten() {
    GradientTransformation tx = sgd(0.5);
    INDArray w = Arrays32.vec(1, 2, 3);
    Map<String, Object> params = Map.of("w", w);
    OptimizerStep<Map<String, Object>> first = Optax.step(tx, params, tx.init(params), params);
    Map<String, Object> pooledParams = first.params();
    OptimizerStep<Map<String, Object>> donated = Optax.stepDonating(tx, pooledParams, first.state(), pooledParams);
    assertEquals(List.of(0.25, 0.5, 0.75), boxed(Arrays32.values((INDArray) donated.params().get("w"))));
    assertEquals(List.of(0.5, 1.0, 1.5), boxed(Arrays32.values((INDArray) pooledParams.get("w"))),
        "the array also passed as the gradient keeps its values");
  }

  @Test
  void unfusedDonationReleasesTooAndFailsByName() {
    GradientTransformation tx = adam(1e-2);
    INDArray w = Arrays32.random(new Random(2), 1, 4).castTo(DataType.DOUBLE);
    Map<String, Object> params = Map.of("w", w);
    OptState state = tx.init(params);
    OptimizerStep<Map<String, Object>> step = Optax.stepDonating(tx, params, state, Map.of("w", w.mul(0.1)));
    assertFalse(pooled(step.params()));
    assertThrows(IllegalStateException.class, () -> w.getDouble(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Optax.step(tx, params, step.state(), Map.of("w", Nd4j.ones(DataType.DOUBLE, 4))));
    assertTrue(e.getMessage().startsWith("params at ['w'] was donated"), e.getMessage());
  }

  /**
   * A step recognises a tree of exactly the arrays an earlier step made without reading each one's
   * buffer; arrays moved to other keys, given another buffer, or closed since are seen for what they are.
   */
  @ParameterizedTest(name = "{0} more leaves")
  @ValueSource(ints = {0, 3000})
  void arraysAnEarlierStepMadeAreRecognisedOnlyWhileUnchanged(int moreLeaves) {
    // with many leaves the trees are scanned in parts on several threads
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(31);
    Map<String, Object> params = new TreeMap<>(Map.of("a", Arrays32.random(r, 1, 5), "b", Arrays32.random(r, 1, 5),
        "c", Arrays32.random(r, 1, 3)));
    for (int i = 0; i < moreLeaves; i++) {
      params.put(String.format("z%04d", i), Arrays32.random(r, 1, 1 + i % 7));
    }
    OptimizerStep<Map<String, Object>> first = Optax.step(tx, params, tx.init(params), Arrays32.randomLike(r, params));
    Map<String, Object> made = first.params();
    Map<String, Object> grads = Arrays32.randomLike(r, params);

    Map<String, Object> swapped = new TreeMap<>(made);
    swapped.put("a", made.get("b"));
    swapped.put("b", made.get("a"));
    assertFusedStepIsTheReference(tx, swapped, first.state(), grads);

    ((org.nd4j.linalg.api.ndarray.BaseNDArray) made.get("c")).setData(Nd4j.createFromArray(7f, 8f, 9f).data());
    assertFusedStepIsTheReference(tx, made, first.state(), grads);

    String last = moreLeaves == 0 ? "c" : String.format("z%04d", moreLeaves - 1);
    ((INDArray) made.get(last)).close();
    IllegalArgumentException closedLast = assertThrows(IllegalArgumentException.class,
        () -> Optax.step(tx, made, first.state(), grads));
    assertTrue(closedLast.getMessage().startsWith("params at ['" + last + "'] was donated"), closedLast.getMessage());

    ((INDArray) made.get("a")).close();
    IllegalArgumentException closed = assertThrows(IllegalArgumentException.class,
        () -> Optax.step(tx, made, first.state(), grads));
    assertTrue(closed.getMessage().startsWith("params at ['a'] was donated"), closed.getMessage());
  }

  /**
   * A step takes its layout from params an earlier step made; a state that step did not make is still
   * checked leaf by leaf: of the same shapes it is read like any arrays, of other shapes it is the
   * reference's error.
   */
  @Test
  void aStateAnotherStepMadeIsCheckedLeafByLeaf() {
    GradientTransformation tx = adam(1e-2);
    Random r = new Random(41);
    Map<String, Object> params = new TreeMap<>(Map.of("a", Arrays32.random(r, 1, 5), "b", Arrays32.random(r, 1, 3)));
    Map<String, Object> sameShapes = Arrays32.randomLike(r, params);
    Map<String, Object> otherShapes = new TreeMap<>(Map.of("a", Arrays32.random(r, 1, 3), "b", Arrays32.random(r, 1, 5)));
    OptimizerStep<Map<String, Object>> first = Optax.step(tx, params, tx.init(params), Arrays32.randomLike(r, params));
    OptimizerStep<Map<String, Object>> same =
        Optax.step(tx, sameShapes, tx.init(sameShapes), Arrays32.randomLike(r, params));
    assertFusedStepIsTheReference(tx, first.params(), same.state(), Arrays32.randomLike(r, params));

    OptimizerStep<Map<String, Object>> other =
        Optax.step(tx, otherShapes, tx.init(otherShapes), Arrays32.randomLike(r, otherShapes));
    OptimizerInputException e = assertThrows(OptimizerInputException.class,
        () -> Optax.step(tx, first.params(), other.state(), Arrays32.randomLike(r, params)));
    assertEquals("updates do not match the optimizer state at ['a'] (optimizer state [0].mu['a']): "
        + "the updates have float32[5] but the state has float32[3]", e.getMessage());
  }

  private static void assertFusedStepIsTheReference(
      GradientTransformation tx, Map<String, Object> params, OptState state, Map<String, Object> grads) {
    OptimizerStep<Map<String, Object>> fused = Optax.step(tx, params, state, grads);
    UpdateResult ref = tx.update(grads, state, params);
    Arrays32.assertSameBits(Optax.applyUpdates(params, ref.updates()), fused.params(), "params");
    Arrays32.assertSameBits(ref.state(), fused.state(), "state");
    assertTrue(pooled(fused.params()), "the step was fused");
  }

  // ---- helpers ----

  /** {@code leaves} float32 vectors keyed {@code w0000, w0001, ...}, leaf {@code i} of length {@code 1 + i % lengths}. */
  static Map<String, Object> manyLeaves(Random r, int leaves, int lengths) {
    Map<String, Object> params = new TreeMap<>();
    for (int i = 0; i < leaves; i++) {
      params.put(String.format("w%04d", i), Arrays32.random(r, 1, 1 + i % lengths));
    }
    return params;
  }

  /** True when every array of {@code tree} lives in the optimizer's pooled memory (the step was fused). */
  static boolean pooled(Object tree) {
    return PyTrees.all(Engine::madeByAFusedStep, tree);
  }

  /** What the engine {@link Optax#step} runs on has counted so far. */
  static EngineStats defaultStats() {
    return StepEngine.defaultEngine().engine().stats();
  }

  static <T> T deepCopy(T tree) {
    return PyTrees.map((Object x) -> x instanceof INDArray a ? a.dup() : x, tree);
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>();
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

}
