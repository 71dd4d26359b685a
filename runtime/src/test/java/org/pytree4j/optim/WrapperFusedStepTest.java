package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.applyIfFinite;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.ema;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.multiSteps;
import static org.pytree4j.optim.Optax.scale;
import static org.pytree4j.optim.Optax.setToZero;
import static org.pytree4j.optim.Optax.sgd;
import static org.pytree4j.optim.Optax.skipNotFinite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.optim.engine.Engine;

/**
 * The wrappers in the fused step: every step gives the unfused reference's bits ({@code tx.update}
 * then {@code applyUpdates}), on the Java kernels and, donated, on all of them, and it was fused. {@code MultiSteps}' mini-steps return the params they were given and, donated, update the
 * accumulator in place.
 */
class WrapperFusedStepTest {
  private static final int STEPS = 7;
  /** Steps whose gradients hold a NaN, for the transformations that skip them. */
  private static final Set<Integer> NAN_STEPS = Set.of(2, 5);

  static Stream<Arguments> transformations() {
    return Stream.of(
        Arguments.of("set_to_zero", setToZero(), false),
        Arguments.of("chain(ema, scale)", chain(ema(0.9), scale(-1e-2)), false),
        Arguments.of("inject ema without debias", chain(injectHyperparams(ema(0.8, false)), scale(-1e-2)), false),
        Arguments.of("apply_if_finite(adam), finite", applyIfFinite(adam(1e-2), 2), false),
        Arguments.of("apply_if_finite(clip + adam), NaNs skipped", applyIfFinite(chain(clipByGlobalNorm(0.5), adam(1e-2)), 3),
            true),
        Arguments.of("apply_if_finite(sgd), NaNs let through after 0", applyIfFinite(sgd(0.1), 0), true),
        Arguments.of("chain(apply_if_finite(adam))", chain(applyIfFinite(adam(1e-2), 2)), true),
        Arguments.of("MultiSteps(adam, 2)", multiSteps(adam(1e-2), 2), false),
        Arguments.of("MultiSteps(sgd momentum, 3), summed", multiSteps(sgd(0.1, 0.9), 3).useGradMean(false), false),
        Arguments.of("MultiSteps(clip + inject adam, 3): two passes",
            multiSteps(chain(clipByGlobalNorm(0.5), injectHyperparams(adam(1e-2))), 3), false),
        Arguments.of("MultiSteps(adam, k schedule), skip_not_finite",
            multiSteps(adam(1e-2), step -> 1 + step % 3).shouldSkipUpdate(skipNotFinite()), true));
  }

  /** Odd sizes, a record, a list, a rank-0 leaf and one leaf of two pieces. */
  private static Map<String, Object> params(Random r) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("dense", new Dense(Arrays32.random(r, 1, 3, 5), Arrays32.random(r, 1, 5)));
    p.put("list", List.of(Arrays32.random(r, 1, 1023), Arrays32.random(r, 1, 4097)));
    p.put("scalar", Arrays32.scalar(-0.0));
    p.put("big", Arrays32.random(r, 1, Engine.PIECE + 77));
    return p;
  }

  private static List<Map<String, Object>> grads(Random r, Map<String, Object> params, boolean withNans) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int step = 0; step < STEPS; step++) {
      Map<String, Object> g = new LinkedHashMap<>(Arrays32.randomLike(r, params));
      if (withNans && NAN_STEPS.contains(step)) {
        g.put("scalar", Arrays32.scalar(Double.NaN));
      }
      out.add(g);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transformations")
  void fusedStepsGiveTheReferenceBits(String name, GradientTransformation tx, boolean withNans) {
    Random r = new Random(name.hashCode());
    Map<String, Object> start = params(r);
    List<Map<String, Object>> grads = grads(r, start, withNans);
    List<OptimizerStep<Map<String, Object>>> reference = new ArrayList<>();
    Map<String, Object> p = start;
    OptState s = tx.init(start);
    for (Map<String, Object> g : grads) {
      UpdateResult u = tx.update(g, s, p);
      p = Optax.applyUpdates(p, u.updates());
      s = u.state();
      reference.add(new OptimizerStep<>(p, s));
    }
    // the Java kernels kept, and all kernels (the native adam kernel inside apply_if_finite) donated
    for (boolean javaOnly : new boolean[] {true, false}) {
      boolean donate = !javaOnly;
      StepEngine.Builder builder = StepEngine.builder();
      try (StepEngine engine = (javaOnly ? builder.javaOnly() : builder).build()) {
        String what = name + (javaOnly ? ", Java kernels" : ", all kernels, donated");
        p = donate ? FusedStepTest.deepCopy(start) : start;
        s = tx.init(start);
        for (int step = 0; step < STEPS; step++) {
          OptimizerStep<Map<String, Object>> next = donate ? engine.stepDonating(tx, p, s, grads.get(step))
              : engine.step(tx, p, s, grads.get(step));
          Arrays32.assertSameBits(reference.get(step).params(), next.params(), what + " params, step " + step);
          Arrays32.assertSameBits(reference.get(step).state(), next.state(), what + " state, step " + step);
          assertEquals(PyTrees.structure(reference.get(step).state()), PyTrees.structure(next.state()));
          p = next.params();
          s = next.state();
        }
        assertTrue(engine.stats().fusedSteps() >= STEPS, what + ": every step was fused, " + engine.stats());
      }
    }
  }

  /**
   * A mini-step reads the gradients and the accumulator and writes the accumulator, nothing else:
   * the params it returns are the arrays it was given, the inner state is the same, and, donated, the
   * accumulator stays in the memory it was in (no new memory).
   */
  @Test
  void miniStepsTouchOnlyTheAccumulator() {
    Random r = new Random(1);
    Map<String, Object> params = params(r);
    MultiSteps tx = multiSteps(adam(1e-2), 4);
    try (StepEngine engine = StepEngine.builder().javaOnly().build()) {
      OptState state = tx.init(params);
      // the first step writes the accumulator into a slab; from then on, donated, it stays there
      OptimizerStep<Map<String, Object>> first = engine.stepDonating(tx, params, state, Arrays32.randomLike(r, params));
      Object accLease = Engine.leaseOf(firstLeaf(((MultiStepsState) first.state()).accGrads()));
      assertTrue(accLease != null, "the accumulator is in a slab");
      OptimizerStep<Map<String, Object>> second = engine.stepDonating(tx, first.params(), first.state(),
          Arrays32.randomLike(r, params));
      MultiStepsState s = (MultiStepsState) second.state();
      assertSame(accLease, Engine.leaseOf(firstLeaf(s.accGrads())), "updated in place");
      assertSame(((MultiStepsState) first.state()).innerOptState(), s.innerOptState());
      List<Object> before = PyTrees.leaves(first.params());
      List<Object> after = PyTrees.leaves(second.params());
      for (int i = 0; i < before.size(); i++) {
        assertSame(before.get(i), after.get(i), "param " + i + " is the array it was");
      }
      assertEquals(2, s.miniStep());
      // the last mini-step: the accumulator is zeroed in place, the params change
      OptimizerStep<Map<String, Object>> third = engine.stepDonating(tx, second.params(), s, Arrays32.randomLike(r, params));
      OptimizerStep<Map<String, Object>> fourth = engine.stepDonating(tx, third.params(), third.state(),
          Arrays32.randomLike(r, params));
      assertTrue(tx.hasUpdated(fourth.state()));
      assertSame(accLease, Engine.leaseOf(firstLeaf(((MultiStepsState) fourth.state()).accGrads())));
      assertNotSame(PyTrees.leaves(third.params()).get(0), PyTrees.leaves(fourth.params()).get(0));
      for (double v : Arrays32.values(firstLeaf(((MultiStepsState) fourth.state()).accGrads()))) {
        assertEquals(0, Double.doubleToRawLongBits(v), "+0.0");
      }
      assertEquals(4, engine.stats().fusedSteps());
    }
  }

  private static INDArray firstLeaf(Object tree) {
    return (INDArray) PyTrees.leaves(tree).get(0);
  }
}
