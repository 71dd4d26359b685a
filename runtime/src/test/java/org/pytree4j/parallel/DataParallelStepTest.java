package org.pytree4j.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.checkpoint.CheckpointManager;
import org.pytree4j.checkpoint.Checkpoints;
import org.pytree4j.examples.Mlp;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.LossAndGrads;
import org.pytree4j.grad.ValueAndGradFn;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.serialization.Serialization;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/**
 * Data-parallel training on N shards against single-process training on the whole batch, replicas
 * staying bit-identical, drift caught, non-finite steps skipped together, and resuming after a failure.
 */
class DataParallelStepTest {
  private static final long SEED = 7;
  private static final int ROWS = 48;
  private static final int STEPS = 15;

  static Stream<Arguments> groups() {
    return Stream.of(Arguments.of("threads", 2), Arguments.of("threads", 4), Arguments.of("tcp", 2));
  }

  static GradientTransformation tx() {
    return chain(clipByGlobalNorm(1.0), adam(0.05));
  }

  static TrainState<Mlp> initial(ValueAndGradFn<Mlp, Shard> fn, DataType type) {
    return TrainStatePyTree.create(fn.applyFn("logits"), TinyModel.params(SEED, type), tx());
  }

  static ValueAndGradFn<Mlp, Shard> lossAndGrad(DataType type) {
    return Grad.valueAndGrad(TinyModel.LOSS, TinyModel.params(SEED, type), TinyModel.batch(SEED, 0, ROWS, type));
  }

  static DataParallelStep<TrainState<Mlp>, Mlp, Shard> step(Collective c, ValueAndGradFn<Mlp, Shard> fn) {
    return DataParallelStep.of(c, fn, TrainState::params, TrainState::applyGradients);
  }

  /** The state's leaves (params, optimizer state, step) as bytes: equal bytes, bit-identical states. */
  static byte[] bits(Object state) {
    return Serialization.toBytes(state);
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void theMeanOfTheShardGradientsIsTheFullBatchGradient(String backend, int n) {
    Shard batch = TinyModel.batch(SEED, 3, ROWS, DataType.DOUBLE);
    LossAndGrads<Mlp> full = lossAndGrad(DataType.DOUBLE).apply(TinyModel.params(SEED, DataType.DOUBLE), batch);
    List<Object[]> results = CollectiveTest.replicas(backend, n).run(c -> {
      LossAndGrads<Mlp> local = lossAndGrad(DataType.DOUBLE)
          .apply(TinyModel.params(SEED, DataType.DOUBLE), TinyModel.shard(batch, c.rank(), c.size()));
      return new Object[] {c.allReduceMean(local.grads()), c.allReduceMean(local.loss())};
    });
    for (Object[] r : results) {
      assertEquals(full.loss(), (double) r[1], 1e-12);
      List<Object> expected = PyTrees.leaves(full.grads());
      List<Object> got = PyTrees.leaves(r[0]);
      for (int i = 0; i < expected.size(); i++) {
        // dup: a gradient may be a view into one buffer of all of them
        double[] e = ((INDArray) expected.get(i)).dup('c').data().asDouble();
        double[] g = ((INDArray) got.get(i)).dup('c').data().asDouble();
        assertArrayEquals(e, g, 1e-12, "gradient leaf " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void trainingOnShardsMatchesTrainingOnTheWholeBatchAndReplicasStayBitIdentical(String backend, int n) {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      ValueAndGradFn<Mlp, Shard> single = lossAndGrad(type);
      TrainState<Mlp> reference = initial(single, type);
      List<Double> referenceLosses = new ArrayList<>();
      for (int s = 0; s < STEPS; s++) {
        LossAndGrads<Mlp> out = single.apply(reference.params(), TinyModel.batch(SEED, s, ROWS, type));
        reference = reference.applyGradients(out.grads());
        referenceLosses.add(out.loss());
      }
      List<Object[]> results = CollectiveTest.replicas(backend, n).run(c -> {
        ValueAndGradFn<Mlp, Shard> fn = lossAndGrad(type);
        DataParallelStep<TrainState<Mlp>, Mlp, Shard> step = step(c, fn).checkReplicasEvery(5);
        TrainState<Mlp> state = initial(fn, type);
        List<Double> losses = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
          DataParallelStep.Result<TrainState<Mlp>> r =
              step.apply(state, TinyModel.shard(TinyModel.batch(SEED, s, ROWS, type), c.rank(), c.size()));
          state = r.state();
          losses.add(r.loss());
        }
        return new Object[] {state, losses};
      });
      double tolerance = type == DataType.DOUBLE ? 1e-10 : 2e-4;
      for (int r = 0; r < n; r++) {
        @SuppressWarnings("unchecked")
        TrainState<Mlp> state = (TrainState<Mlp>) results.get(r)[0];
        assertArrayEquals(bits(results.get(0)[0]), bits(state), "rank " + r + " is not bit-identical to rank 0");
        assertEquals(STEPS, state.step());
        List<Object> expected = PyTrees.leaves(reference.params());
        List<Object> got = PyTrees.leaves(state.params());
        for (int i = 0; i < expected.size(); i++) {
          assertArrayEquals(((INDArray) expected.get(i)).castTo(DataType.DOUBLE).data().asDouble(),
              ((INDArray) got.get(i)).castTo(DataType.DOUBLE).data().asDouble(), tolerance, type + " param leaf " + i);
        }
        @SuppressWarnings("unchecked")
        List<Double> losses = (List<Double>) results.get(r)[1];
        for (int s = 0; s < STEPS; s++) {
          assertEquals(referenceLosses.get(s), losses.get(s), tolerance, type + " loss of step " + s);
        }
      }
    }
  }

  @Test
  void aRankThatDecidesOnItsLocalValuesIsCaughtAsDriftOnEveryRank() {
    ReplicaFailedException e = assertThrows(ReplicaFailedException.class, () -> LocalReplicas.threads(2).run(c -> {
      ValueAndGradFn<Mlp, Shard> fn = lossAndGrad(DataType.FLOAT);
      int[] calls = {0};
      // rank 1 skips its 3rd update, as if it had judged its own shard's loss too large
      BiFunction<TrainState<Mlp>, Mlp, TrainState<Mlp>> update = (s, g) ->
          c.rank() == 1 && ++calls[0] == 3 ? s : s.applyGradients(g);
      DataParallelStep<TrainState<Mlp>, Mlp, Shard> step =
          DataParallelStep.of(c, fn, TrainState::params, update).checkReplicasEvery(2);
      TrainState<Mlp> state = initial(fn, DataType.FLOAT);
      for (int s = 0; s < 6; s++) {
        state = step.apply(state, TinyModel.shard(TinyModel.batch(SEED, s, ROWS, DataType.FLOAT), c.rank(), 2)).state();
      }
      return state;
    }));
    assertInstanceOf(ReplicaDriftException.class, e.getCause());
    String expected = "replicas are no longer identical: rank [1] differs from rank 0; rank 1 first differs at .step";
    assertTrue(e.getCause().getMessage().startsWith(expected), e.getCause().getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertTrue(e.getSuppressed()[0].getMessage().startsWith(expected), "both ranks detect it");
  }

  @Test
  void aNonFiniteGradientOnOneRankIsSkippedByEveryRank() {
    List<Object[]> results = LocalReplicas.threads(2).run(c -> {
      ValueAndGradFn<Mlp, Shard> fn = lossAndGrad(DataType.FLOAT);
      DataParallelStep<TrainState<Mlp>, Mlp, Shard> step = step(c, fn).skipNonFinite(true).checkReplicasEvery(1);
      TrainState<Mlp> state = initial(fn, DataType.FLOAT);
      List<Boolean> applied = new ArrayList<>();
      byte[] before = null;
      for (int s = 0; s < 4; s++) {
        Shard shard = TinyModel.shard(TinyModel.batch(SEED, s, ROWS, DataType.FLOAT), c.rank(), 2);
        if (s == 2 && c.rank() == 1) {
          shard.x().putScalar(0, Float.NaN);   // only rank 1's data is bad
        }
        if (s == 2) {
          before = bits(state);
        }
        DataParallelStep.Result<TrainState<Mlp>> r = step.apply(state, shard);
        if (s == 2) {
          assertArrayEquals(before, bits(r.state()), "a skipped step keeps the state");
          assertTrue(Double.isNaN(r.loss()));
        }
        state = r.state();
        applied.add(r.applied());
      }
      return new Object[] {applied, state};
    });
    for (Object[] r : results) {
      assertEquals(List.of(true, true, false, true), r[0]);
      assertEquals(3L, ((TrainState<?>) r[1]).step());
    }
    assertArrayEquals(bits(results.get(0)[1]), bits(results.get(1)[1]));
  }

  /** Trains to {@code STEPS}, rank 0 saving every 4 steps; on attempt 0 rank 1 dies after step {@code failAt}. */
  private static List<TrainState<Mlp>> trainWithCheckpoints(String backend, CheckpointManager checkpoints, int failAt) {
    return CollectiveTest.replicas(backend, 2).timeout(Duration.ofSeconds(60)).run(c -> {
      ValueAndGradFn<Mlp, Shard> fn = lossAndGrad(DataType.FLOAT);
      DataParallelStep<TrainState<Mlp>, Mlp, Shard> step = step(c, fn);
      TrainState<Mlp> state = Replicas.restoreLatest(c, checkpoints, initial(fn, DataType.FLOAT));
      Replicas.checkIdentical(c, state);
      while (state.step() < STEPS) {
        Shard shard = TinyModel.shard(TinyModel.batch(SEED, state.step(), ROWS, DataType.FLOAT), c.rank(), 2);
        state = step.apply(state, shard).state();
        if (c.rank() == 0 && state.step() % 4 == 0) {
          checkpoints.save(state, state.step());
        }
        if (c.rank() == 1 && state.step() == failAt) {
          throw new IllegalStateException("injected failure after step " + failAt);
        }
      }
      return state;
    });
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"threads", "tcp"})
  void aRunThatFailsResumesFromRank0sCheckpointAndEndsBitIdenticalToAnUninterruptedRun(String backend,
      @TempDir Path dir) throws Exception {
    List<TrainState<Mlp>> uninterrupted = trainWithCheckpoints(backend, Checkpoints.manager(dir.resolve("a")), -1);
    CheckpointManager checkpoints = Checkpoints.manager(dir.resolve("b"));
    ReplicaFailedException failure = assertThrows(ReplicaFailedException.class,
        () -> trainWithCheckpoints(backend, checkpoints, 10));
    assertEquals(1, failure.rank());
    assertEquals(8L, checkpoints.latestStep().getAsLong(), "rank 0 saved step 8 before the failure");
    List<TrainState<Mlp>> resumed = trainWithCheckpoints(backend, checkpoints, -1);
    assertArrayEquals(bits(uninterrupted.get(0)), bits(resumed.get(0)));
    assertArrayEquals(bits(uninterrupted.get(0)), bits(resumed.get(1)));
    assertFalse(checkpoints.steps().isEmpty());
  }
}
