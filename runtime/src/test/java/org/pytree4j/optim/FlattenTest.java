package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.flatten;
import static org.pytree4j.optim.Optax.sgd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.examples.Dense;
import org.pytree4j.serialization.Serialization;
import org.pytree4j.optim.engine.Engine;

/**
 * {@code optax.flatten(inner)}: the inner transformation on one vector of every leaf. Elementwise
 * transformations give the same bits as without it, and their state is the concatenation of the
 * per-leaf state; a global norm is the norm of the vector; mixed dtypes promote as in JAX.
 */
class FlattenTest {

  private static Map<String, Object> params(Random r) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("dense", new Dense(Arrays32.random(r, 1, 3, 5), Arrays32.random(r, 1, 5)));
    p.put("list", List.of(Arrays32.random(r, 1, 7), Arrays32.random(r, 1, 2, 2, 2)));
    p.put("scalar", Arrays32.scalar(0.75));
    return p;
  }

  @Test
  void flattenedAdamwGivesAdamwsBitsAndKeepsOneVectorPerMoment() {
    Random r = new Random(7);
    Map<String, Object> params = params(r);
    GradientTransformation perLeaf = adamw(1e-2).weightDecay(1e-2);
    GradientTransformation flat = flatten(perLeaf);
    OptState perLeafState = perLeaf.init(params);
    OptState flatState = flat.init(params);
    for (int step = 0; step < 3; step++) {
      Map<String, Object> grads = Arrays32.randomLike(r, params);
      UpdateResult expected = perLeaf.update(grads, perLeafState, params);
      UpdateResult actual = flat.update(grads, flatState, params);
      Arrays32.assertSameBits(expected.updates(), actual.updates(), "updates, step " + step);
      ScaleByAdamState moments = ((ChainState) actual.state()).get(0, ScaleByAdamState.class);
      ScaleByAdamState perLeafMoments = ((ChainState) expected.state()).get(0, ScaleByAdamState.class);
      assertEquals(perLeafMoments.count(), moments.count());
      assertVectorOfLeaves(perLeafMoments.mu(), moments.mu(), "mu, step " + step);
      assertVectorOfLeaves(perLeafMoments.nu(), moments.nu(), "nu, step " + step);
      params = Optax.applyUpdates(params, actual.updates());
      perLeafState = expected.state();
      flatState = actual.state();
    }
  }

  @Test
  void aClipInsideIsTheGlobalNormOfTheVector() {
    Random r = new Random(11);
    Map<String, Object> params = params(r);
    GradientTransformation tx = flatten(chain(clipByGlobalNorm(0.5), sgd(0.1, 0.9)));
    OptState state = tx.init(params);
    Float64Reference.Sgd reference = new Float64Reference.Sgd();
    reference.momentum = 0.9;
    for (int step = 0; step < 3; step++) {
      Map<String, Object> grads = Arrays32.randomLike(r, params);
      UpdateResult result = tx.update(grads, state, params);
      List<double[]> expected = reference.step(Float64Reference.clipByGlobalNorm(Arrays32.leafValues(grads), 0.5), 0.1);
      List<double[]> actual = Arrays32.leafValues(result.updates());
      for (int i = 0; i < expected.size(); i++) {
        Arrays32.assertClose(expected.get(i), actual.get(i), 1e-5, 1e-6, "leaf " + i + ", step " + step);
      }
      state = result.state();
    }
  }

  @Test
  void mixedDtypesRavelIntoThePromotedDtype() {
    Map<String, Object> params = new TreeMap<>();
    params.put("a", Arrays32.full(0.5, DataType.DOUBLE, 3));
    params.put("b", Arrays32.full(-0.25, DataType.FLOAT, 2, 2));
    Map<String, Object> grads = new TreeMap<>();
    grads.put("a", Arrays32.full(0.1, DataType.DOUBLE, 3));
    grads.put("b", Arrays32.f32(new double[] {0.3, -0.7, 1e-3, 2.0}, 2, 2));
    GradientTransformation tx = flatten(adam(1e-2));
    UpdateResult result = tx.update(grads, tx.init(params), params);

    ScaleByAdamState state = ((ChainState) result.state()).get(0, ScaleByAdamState.class);
    INDArray mu = (INDArray) state.mu();
    assertEquals(DataType.DOUBLE, mu.dataType());
    assertArrayEquals(new long[] {7}, mu.shape());
    Map<?, ?> updates = (Map<?, ?>) result.updates();
    INDArray b = (INDArray) updates.get("b");
    assertEquals(DataType.DOUBLE, b.dataType(), "updates keep the promoted dtype, as JAX's split does");
    assertArrayEquals(new long[] {2, 2}, b.shape());

    Float64Reference.Adam reference = new Float64Reference.Adam();
    List<double[]> expected = reference.step(Arrays32.leafValues(grads), Arrays32.leafValues(params), 1e-2);
    List<double[]> actual = Arrays32.leafValues(updates);
    for (int i = 0; i < expected.size(); i++) {
      Arrays32.assertClose(expected.get(i), actual.get(i), 1e-12, 1e-15, "leaf " + i);
    }
  }

  @Test
  void noneLeavesTakeNoPart() {
    Map<String, Object> params = new HashMap<>();
    params.put("w", Arrays32.vec(1, 2, 3));
    params.put("frozen", null);
    GradientTransformation tx = flatten(sgd(0.5));
    OptState state = tx.init(params);
    Map<String, Object> grads = new HashMap<>();
    grads.put("w", Arrays32.vec(0.2, 0.4, 0.8));
    grads.put("frozen", null);
    Map<?, ?> updates = (Map<?, ?>) tx.update(grads, state, params).updates();
    assertNull(updates.get("frozen"));
    assertTrue(updates.containsKey("frozen"));
    Arrays32.assertClose(new double[] {-0.1, -0.2, -0.4}, Arrays32.values((INDArray) updates.get("w")), 1e-7, 0,
        "w");
  }

  @Test
  void itsStateSerializesLikeAnyOther() {
    Random r = new Random(13);
    Map<String, Object> params = params(r);
    GradientTransformation tx = flatten(adam(1e-2));
    OptState state = tx.update(Arrays32.randomLike(r, params), tx.init(params), params).state();
    OptState restored = Serialization.fromBytes(tx.init(params), Serialization.toBytes(state));
    Arrays32.assertSameBits(state, restored, "restored state");
    Map<String, Object> dict = Serialization.toStateDict(state);
    assertEquals(List.of("0", "1"), new ArrayList<>(dict.keySet()));
  }

  @Test
  void badInputIsNamed() {
    GradientTransformation tx = flatten(adam(1e-3));
    OptimizerInputException empty = assertThrows(OptimizerInputException.class, () -> tx.init(new HashMap<>()));
    assertTrue(empty.getMessage().startsWith("flatten needs at least one array to ravel"), empty.getMessage());
    assertTrue(empty.getMessage().contains("the params hold no array"), empty.getMessage());

    Map<String, Object> params = Map.of("a", Arrays32.vec(1, 2), "b", Arrays32.vec(3, 4, 5));
    OptState state = tx.init(params);
    Map<String, Object> otherShape = Map.of("a", Arrays32.vec(1, 2), "b", Arrays32.vec(3, 4));
    OptimizerInputException params1 = assertThrows(OptimizerInputException.class,
        () -> tx.update(otherShape, state, params));
    assertTrue(params1.getMessage().startsWith("params do not match the updates at ['b']"), params1.getMessage());

    OptimizerInputException moments = assertThrows(OptimizerInputException.class,
        () -> tx.update(otherShape, state, otherShape));
    assertTrue(moments.getMessage().contains("the updates have float32[4] but the state has float32[5]"),
        moments.getMessage());
  }

  @Test
  void aFusedStepKeepsOneVectorPerMomentAndRecognisesItNextStep() {
    Random r = new Random(3);
    Map<String, Object> params = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      params.put(String.format("leaf%03d", i), Arrays32.random(r, 1, 1 + i % 17));
    }
    GradientTransformation tx = flatten(adam(1e-2));
    Map<String, Object> refParams = params;
    OptState refState = tx.init(refParams);
    params = FusedStepTest.deepCopy(refParams);
    OptState state = tx.init(params);
    Object previousLease = null;
    OptState firstState = state;
    for (int step = 0; step < 3; step++) {
      Map<String, Object> grads = Arrays32.randomLike(r, params);
      OptimizerStep<Map<String, Object>> fused = Optax.stepDonating(tx, params, state, grads);
      UpdateResult ref = tx.update(grads, refState, refParams);
      refParams = Optax.applyUpdates(refParams, ref.updates());
      Arrays32.assertSameBits(refParams, fused.params(), "params, step " + step);
      Arrays32.assertSameBits(ref.state(), fused.state(), "state, step " + step);
      INDArray mu = (INDArray) ((ChainState) fused.state()).get(0, ScaleByAdamState.class).mu();
      Object lease = Engine.leaseOf(mu);
      assertNotNull(lease, "the step was fused");
      if (previousLease != null) {
        // donated and recognised: the new moment vector is made over the same memory
        assertEquals(previousLease, lease, "mu updated in place, step " + step);
      }
      previousLease = lease;
      params = fused.params();
      state = fused.state();
      refState = ref.state();
    }
    OptState donatedState = firstState;
    Map<String, Object> live = params;
    IllegalArgumentException donated = assertThrows(IllegalArgumentException.class,
        () -> Optax.step(tx, live, donatedState, Arrays32.randomLike(r, live)));
    assertTrue(donated.getMessage().contains("was donated"), donated.getMessage());
  }

  @Test
  void aFusedClipInsideSumsTheVectorAsTheReferenceDoes() {
    // single-element leaves: summed leaf by leaf the squares are exact, summed as one vector they
    // round in float32 chunks, so the two norms differ in their float32 bits
    Random r = new Random(5);
    Map<String, Object> params = new TreeMap<>();
    for (int i = 0; i < 3000; i++) {
      params.put(String.format("leaf%04d", i), Arrays32.random(r, 1, 1));
    }
    GradientTransformation tx = flatten(chain(clipByGlobalNorm(1.0), sgd(0.1)));
    OptState state = tx.init(params);
    for (int step = 0; step < 4; step++) {
      Map<String, Object> grads = Arrays32.randomLike(r, params);
      OptimizerStep<Map<String, Object>> fused = Optax.step(tx, params, state, grads);
      UpdateResult ref = tx.update(grads, state, params);
      Arrays32.assertSameBits(Optax.applyUpdates(params, ref.updates()), fused.params(), "params, step " + step);
      assertTrue(FusedStepTest.pooled(fused.params()), "the step was fused");
      params = fused.params();
      state = fused.state();
    }
  }

  /** {@code vector} is rank 1 and holds every leaf of {@code perLeaf}, in order, bit for bit. */
  private static void assertVectorOfLeaves(Object perLeaf, Object vector, String what) {
    INDArray v = assertInstanceOf(INDArray.class, vector, what);
    assertEquals(1, v.rank(), what + ": rank");
    List<Double> expected = new ArrayList<>();
    for (double[] leaf : Arrays32.leafValues(perLeaf)) {
      for (double x : leaf) {
        expected.add(x);
      }
    }
    double[] actual = Arrays32.values(v);
    assertEquals(expected.size(), actual.length, what + ": length");
    for (int i = 0; i < actual.length; i++) {
      assertEquals(Double.doubleToLongBits(expected.get(i)), Double.doubleToLongBits(actual[i]), what + " [" + i + "]");
    }
  }
}
