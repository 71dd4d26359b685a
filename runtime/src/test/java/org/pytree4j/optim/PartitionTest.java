package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.LEARNING_RATE;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.multiTransform;
import static org.pytree4j.optim.Optax.partition;
import static org.pytree4j.optim.Optax.scaleBySchedule;
import static org.pytree4j.optim.Optax.setToZero;
import static org.pytree4j.optim.Optax.sgd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;
import org.pytree4j.serialization.Serialization;

/**
 * {@code partition} (Optax's {@code multi_transform}): each param follows its label's transformation,
 * the state has Optax's layout ({@code MaskedNode}s where Optax has them), labels come as a String
 * (prefix) tree, a function, or from key paths, and bad input is named by key path.
 */
class PartitionTest {
  private final Random random = new Random(5);

  /** Optax's docstring params: {'linear_1': {'w': [5, 6], 'b': [5]}, 'linear_2': {'w': [6, 1], 'b': [1]}}. */
  private Map<String, Object> docParams() {
    return Map.of(
        "linear_1", Map.of("w", Arrays32.random(random, 1, 5, 6), "b", Arrays32.random(random, 1, 5)),
        "linear_2", Map.of("w", Arrays32.random(random, 1, 6, 1), "b", Arrays32.random(random, 1, 1)));
  }

  /** Optax's docstring: adam for the weights, sgd for the biases, labels from the last key. */
  @Test
  void eachParamFollowsItsLabelsTransformation() {
    Map<String, Object> params = docParams();
    Labels labels = Labels.byPath(path -> path.entries().get(path.entries().size() - 1).simple());
    Partition tx = partition(Map.of("w", adam(1.0), "b", sgd(1.0)), labels);
    PartitionState state = tx.init(params);
    assertEquals(List.of("b", "w"), List.copyOf(state.innerStates().keySet()));

    Object grads = Arrays32.randomLike(random, params);
    UpdateResult r = tx.update(grads, state, params);
    // the reference: adam and sgd each on their own leaves, the others untouched
    UpdateResult adamOnly = adam(1.0).update(grads, adam(1.0).init(params), params);
    UpdateResult sgdOnly = sgd(1.0).update(grads, sgd(1.0).init(params), params);
    for (String layer : List.of("linear_1", "linear_2")) {
      Arrays32.assertSameBits(at(adamOnly.updates(), layer, "w"), at(r.updates(), layer, "w"), layer + " w");
      Arrays32.assertSameBits(at(sgdOnly.updates(), layer, "b"), at(r.updates(), layer, "b"), layer + " b");
    }
    PartitionState next = (PartitionState) r.state();
    ScaleByAdamState adamState = next.innerState("w").innerState().get(0, ScaleByAdamState.class);
    assertEquals(1, adamState.count());
    assertSame(MaskedNode.INSTANCE, at(adamState.mu(), "linear_1", "b"), "a bias has no adam moment");
    Arrays32.assertSameBits(at(((ChainState) adamOnly.state()).get(0, ScaleByAdamState.class).mu(), "linear_2", "w"),
        at(adamState.mu(), "linear_2", "w"), "the weights' moments are adam's");
  }

  /**
   * The state dict is Optax's: {'inner_states': {label: {'inner_state': ...}}}, with {} for each
   * leaf of another label (a MaskedNode), so it restores from and loads into Flax.
   */
  @Test
  void theStateDictIsOptaxs() {
    Map<String, Object> params = docParams();
    Partition tx = partition(Map.of("w", adam(1.0), "b", sgd(1.0)),
        Labels.byPath(path -> path.keystr().endsWith("['w']") ? "w" : "b"));
    Map<String, Object> dict = Serialization.toStateDict(tx.init(params));
    Map<?, ?> inner = (Map<?, ?>) dict.get("inner_states");
    assertEquals(List.of("b", "w"), List.copyOf(inner.keySet()));
    Map<?, ?> adamState = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) inner.get("w")).get("inner_state")).get("0");
    assertEquals(List.of("count", "mu", "nu"), List.copyOf(adamState.keySet()));
    Map<?, ?> mu1 = (Map<?, ?>) ((Map<?, ?>) adamState.get("mu")).get("linear_1");
    assertEquals(Map.of(), mu1.get("b"), "Optax's MaskedNode() is {} in Flax's state dict");
    assertInstanceOf(INDArray.class, mu1.get("w"));
    Map<?, ?> sgdState = (Map<?, ?>) ((Map<?, ?>) inner.get("b")).get("inner_state");
    assertEquals(Map.of("0", Map.of(), "1", Map.of()), sgdState, "sgd without momentum: (EmptyState(), EmptyState())");
  }

  /** Optax's GAN docstring: a prefix label tree; another label's subtree is one MaskedNode, as in Optax. */
  @Test
  void aPrefixLabelTreeMasksWholeSubtrees() {
    List<Object> params = List.of(
        Map.of("g1", Arrays32.random(random, 1, 3), "g2", Arrays32.random(random, 1, 2, 2)),
        Map.of("d", Arrays32.random(random, 1, 4)));
    Partition tx = partition(Map.of("generator", adam(0.1), "discriminator", adam(0.5)),
        Labels.of(List.of("generator", "discriminator")));
    PartitionState state = tx.init(params);
    Object mu = state.innerState("generator").innerState().get(0, ScaleByAdamState.class).mu();
    assertEquals("PyTreeDef([{'g1': *, 'g2': *}, MaskedNode()])", PyTrees.structure(mu).toString());
    Object grads = Arrays32.randomLike(random, params);
    UpdateResult r = tx.update(grads, state, params);
    Object generatorOnly = adam(0.1).update(((List<?>) grads).get(0), adam(0.1).init(((List<?>) params).get(0)),
        ((List<?>) params).get(0)).updates();
    Arrays32.assertSameBits(generatorOnly, ((List<?>) r.updates()).get(0), "generator updates");
    assertEquals(PyTrees.structure(params), PyTrees.structure(r.updates()));
  }

  /** Labels of a record's components from their key paths: the masked record is a MaskedRecord. */
  @Test
  void recordParamsWithComponentsOfAnotherLabel() {
    Map<String, Object> params = Map.of("dense", new Dense(Arrays32.random(random, 1, 2, 3), Arrays32.random(random, 1, 3)));
    Partition tx = partition(Map.of("kernel", adam(1e-2), "bias", setToZero()),
        Labels.byPath((path, leaf) -> leaf.rank() > 1 ? "kernel" : "bias"));
    PartitionState state = tx.init(params);
    Object mu = state.innerState("kernel").innerState().get(0, ScaleByAdamState.class).mu();
    assertEquals("PyTreeDef({'dense': Dense(kernel=*, bias=MaskedNode())})", PyTrees.structure(mu).toString());
    MaskedRecord dense = (MaskedRecord) ((Map<?, ?>) mu).get("dense");
    assertEquals(Dense.class, dense.recordType());
    assertEquals("['dense'].kernel", PyTrees.leavesWithPath(mu).get(0).path().keystr(), "the record's key paths");
    Map<?, ?> dict = (Map<?, ?>) Serialization.toStateDict(mu).get("dense");
    assertEquals(List.of("kernel", "bias"), List.copyOf(dict.keySet()));
    assertEquals(Map.of(), dict.get("bias"));

    Map<String, Object> grads = Arrays32.randomLike(random, params);
    UpdateResult r = tx.update(grads, state, params);
    Dense u = (Dense) ((Map<?, ?>) r.updates()).get("dense");
    assertEquals(0, Float.compare(-0.0f, u.bias().getFloat(0)), "set_to_zero's zeros");
    OptState rebuilt = PyTrees.unflatten(PyTrees.structure(r.state()), PyTrees.leaves(r.state()));
    assertEquals(r.state(), rebuilt, "the state flattens and rebuilds");
    OptState restored = Serialization.fromBytes(tx.init(params), Serialization.toBytes(r.state()));
    assertEquals(r.state(), restored, "and restores from its bytes into a state made by init");
  }

  /** setToZero freezes: frozen params keep their bits over steps, -0.0 included; the others train. */
  @Test
  void setToZeroFreezesParamsBitForBit() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("backbone", Arrays32.vec(-0.0, 1.5, -2.25, 3e-30));
    params.put("head", Arrays32.vec(0.5, -0.5));
    Partition tx = partition(Map.of("trainable", adam(1e-2), "frozen", setToZero()),
        Labels.of(Map.of("backbone", "frozen", "head", "trainable")));
    OptState state = tx.init(params);
    Map<String, Object> p = params;
    for (int step = 0; step < 5; step++) {
      OptimizerStep<Map<String, Object>> next = Optax.step(tx, p, state, Arrays32.randomLike(random, p));
      p = next.params();
      state = next.state();
    }
    Arrays32.assertSameBits(params.get("backbone"), p.get("backbone"), "frozen");
    assertTrue(Arrays32.values((INDArray) p.get("head"))[0] != 0.5, "the head trains");
    assertEquals(new EmptyState(), ((PartitionState) state).innerState("frozen").innerState());
  }

  @Test
  void aParamWithoutATransformationIsNamed() {
    Map<String, Object> params = docParams();
    Labels labels = Labels.byPath(path -> path.keystr().equals("['linear_2']['b']") ? "x" : "w");
    Partition tx = partition(Map.of("w", adam(1.0)), labels);
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.init(params));
    assertEquals("a param has no corresponding transformation at ['linear_2']['b']: its label is 'x' but the"
        + " partition has transformations for [w]", e.getMessage());
    OptState state = partition(Map.of("w", adam(1.0), "x", sgd(1.0)), labels).init(params);
    OptimizerInputException u = assertThrows(OptimizerInputException.class,
        () -> tx.update(params, state, params));
    assertEquals(KeyPath.root().attr("innerStates"), u.statePath(), u.getMessage());
  }

  @Test
  void labelsThatDoNotFitOrAreNotStrings() {
    Map<String, Object> params = docParams();
    OptimizerInputException shape = assertThrows(OptimizerInputException.class,
        () -> partition(Map.of("a", sgd(1.0)), Labels.of(Map.of("linear_1", "a"))).init(params));
    assertTrue(shape.getMessage().startsWith("the labels do not fit the tree they label"), shape.getMessage());
    OptimizerInputException notString = assertThrows(OptimizerInputException.class,
        () -> partition(Map.of("a", sgd(1.0)), Labels.of(Map.of("linear_1", "a", "linear_2", 2))).init(params));
    assertEquals("labels must be Strings at ['linear_2']: found Integer 2", notString.getMessage());
  }

  /** A bad update in one label's transformation names its place in the state; nothing computes first. */
  @Test
  void badInputInsideALabelIsNamedBeforeAnythingComputes() {
    Map<String, Object> params = docParams();
    AtomicInteger calls = new AtomicInteger();
    Labels labels = Labels.byPath(path -> path.keystr().endsWith("['w']") ? "w" : "b");
    // "b" comes first: its schedule would run before "w"'s check if the checks did not come first
    Map<String, GradientTransformation> transforms = new LinkedHashMap<>();
    transforms.put("b", scaleBySchedule(count -> {
      calls.incrementAndGet();
      return 1.0;
    }));
    transforms.put("w", chain(clipByGlobalNorm(1.0), adam(1e-3)));
    Partition tx = partition(transforms, labels);
    PartitionState state = tx.init(params);
    PartitionState broken = state.withInnerState("w",
        new MaskedState(chain(clipByGlobalNorm(1.0), sgd(0.1)).init(params)));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(params, broken, params));
    assertEquals(".innerStates['w'].innerState[1][0]", e.statePath().keystr());
    assertTrue(e.getMessage().contains("expected a ScaleByAdamState but found EmptyState"), e.getMessage());
    assertEquals(0, calls.get(), "no label's transformation computed before the check failed");
    tx.update(params, state, params);
    assertEquals(1, calls.get());
  }

  @Test
  void hyperparametersAreFoundInsideALabel() {
    Map<String, Object> params = docParams();
    Partition tx = partition(Map.of("w", injectHyperparams(adam(3e-3)), "b", sgd(1.0)),
        Labels.byPath(path -> path.keystr().endsWith("['w']") ? "w" : "b"));
    OptState state = tx.init(params);
    assertEquals((float) 3e-3, state.findHyperparam(LEARNING_RATE), 0.0);
    OptState changed = Optax.setHyperparam(state, LEARNING_RATE, 1e-4);
    assertEquals((float) 1e-4, changed.findHyperparam(LEARNING_RATE), 0.0);
  }

  @Test
  void multiTransformIsPartition() {
    Map<String, Object> params = docParams();
    Labels labels = Labels.byPath(path -> path.keystr().endsWith("['w']") ? "w" : "b");
    GradientTransformation a = multiTransform(Map.of("w", adam(1.0), "b", sgd(1.0)), labels);
    GradientTransformation b = partition(Map.of("w", adam(1.0), "b", sgd(1.0)), labels);
    Object grads = Arrays32.randomLike(random, params);
    Arrays32.assertSameBits(b.update(grads, b.init(params), params).updates(),
        a.update(grads, a.init(params), params).updates(), "multi_transform");
    assertInstanceOf(Partition.class, a);
  }

  private static Object at(Object tree, String layer, String leaf) {
    return ((Map<?, ?>) ((Map<?, ?>) tree).get(layer)).get(leaf);
  }

  @Test
  void applyUpdatesTakesThePartitionsUpdates() {
    Map<String, Object> params = docParams();
    Partition tx = partition(Map.of("w", setToZero(), "b", sgd(1.0)),
        Labels.byPath(path -> path.keystr().endsWith("['w']") ? "w" : "b"));
    Object grads = Arrays32.randomLike(random, params);
    Map<String, Object> next = applyUpdates(params, tx.update(grads, tx.init(params), params).updates());
    Arrays32.assertSameBits(at(params, "linear_1", "w"), at(next, "linear_1", "w"), "frozen weights");
    Arrays32.assertClose(Arrays32.values(((INDArray) at(params, "linear_1", "b")).sub((INDArray) at(grads, "linear_1", "b"))),
        Arrays32.values((INDArray) at(next, "linear_1", "b")), 1e-6, 1, "sgd on the biases");
  }
}
