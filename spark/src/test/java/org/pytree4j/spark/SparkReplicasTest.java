package org.pytree4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.checkpoint.CheckpointManager;
import org.pytree4j.checkpoint.Checkpoints;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.LossFn;
import org.pytree4j.grad.ValueAndGradFn;
import org.pytree4j.parallel.Collective;
import org.pytree4j.parallel.DataParallelStep;
import org.pytree4j.parallel.LocalReplicas;
import org.pytree4j.parallel.Replicas;
import org.pytree4j.serialization.Serialization;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/** Two replicas as a Spark barrier stage on local[2]: the same bits as the thread backend, restarts, bad input. */
@EnabledForJreRange(maxVersion = 23, disabledReason = "Spark 3.5 does not start on Java 24 and later: Hadoop's"
    + " client calls Subject.getSubject, which they no longer support")
class SparkReplicasTest {
  private static final int STEPS = 12;
  private static final int ROWS = 32;
  private static JavaSparkContext sc;

  @BeforeAll
  static void startSpark() {
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("pytree4j-spark-test")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
    sc = new JavaSparkContext(conf);
    sc.setLogLevel("OFF");
  }

  @AfterAll
  static void stopSpark() {
    sc.stop();
  }

  private static final LossFn<Map<String, INDArray>, Map<String, INDArray>> LOSS = (g, p, b) -> {
    var logits = g.output("logits", g.var(b.get("x")).mmul(g.var(p.get("w"))).add(g.var(p.get("b"))));
    return g.var(b.get("y")).mul(g.sd().nn.logSoftmax(logits)).sum(1).mean().neg();
  };

  private static Map<String, INDArray> params(DataType type) {
    Random rng = new Random(3);
    INDArray w = Nd4j.create(type, 3, 4);
    for (int i = 0; i < w.length(); i++) {
      w.putScalar(i, rng.nextGaussian());
    }
    return Map.of("w", w, "b", Nd4j.zeros(type, 4));
  }

  /** Rank {@code rank}'s half of the batch of step {@code step}, a function of the step only. */
  private static Map<String, INDArray> shard(long step, int rank, int size) {
    Random rng = new Random(1000 + step);
    INDArray x = Nd4j.create(DataType.FLOAT, ROWS, 3);
    INDArray y = Nd4j.zeros(DataType.FLOAT, ROWS, 4);
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < 3; j++) {
        x.putScalar(i, j, rng.nextGaussian());
      }
      y.putScalar(i, rng.nextInt(4), 1);
    }
    int from = rank * ROWS / size;
    int to = (rank + 1) * ROWS / size;
    return Map.of("x", x.getRows(java.util.stream.IntStream.range(from, to).toArray()),
        "y", y.getRows(java.util.stream.IntStream.range(from, to).toArray()));
  }

  /** Trains to STEPS; rank 0 saves every 4 steps; on attempt 0 the last rank fails after step {@code failAt}. */
  static byte[] train(Collective c, String checkpoints, int failAt, int attempt) throws Exception {
    ValueAndGradFn<Map<String, INDArray>, Map<String, INDArray>> fn =
        Grad.valueAndGrad(LOSS, params(DataType.FLOAT), shard(0, 0, 2));
    TrainState<Map<String, INDArray>> state =
        TrainStatePyTree.create(fn.applyFn("logits"), params(DataType.FLOAT), chain(clipByGlobalNorm(1.0), adam(0.1)));
    CheckpointManager manager = Checkpoints.manager(Path.of(checkpoints));
    state = Replicas.restoreLatest(c, manager, state);
    DataParallelStep<TrainState<Map<String, INDArray>>, Map<String, INDArray>, Map<String, INDArray>> step =
        DataParallelStep.forTrainState(c, fn).checkReplicasEvery(3);
    while (state.step() < STEPS) {
      state = step.apply(state, shard(state.step(), c.rank(), c.size())).state();
      if (c.rank() == 0 && state.step() % 4 == 0) {
        manager.save(state, state.step());
      }
      if (attempt == 0 && c.rank() == c.size() - 1 && state.step() == failAt) {
        throw new IllegalStateException("injected failure after step " + failAt);
      }
    }
    return Serialization.toBytes(state);
  }

  @Test
  void twoSparkTasksTrainBitIdenticallyToTwoThreads(@TempDir Path dir) {
    String spark = dir.resolve("spark").toString();
    String threads = dir.resolve("threads").toString();
    List<byte[]> onSpark = SparkReplicas.create().timeout(Duration.ofSeconds(60))
        .run(sc, 2, (c, shard, attempt) -> train(c, spark, -1, attempt));
    List<byte[]> onThreads = LocalReplicas.threads(2).run(c -> train(c, threads, -1, 0));
    assertEquals(2, onSpark.size());
    assertArrayEquals(onThreads.get(0), onSpark.get(0));
    assertArrayEquals(onThreads.get(0), onSpark.get(1));
  }

  @Test
  void aFailedTaskRestartsTheStageFromRank0sCheckpointWithTheResultOfAnUninterruptedRun(@TempDir Path dir)
      throws Exception {
    String clean = dir.resolve("clean").toString();
    String faulty = dir.resolve("faulty").toString();
    List<byte[]> uninterrupted = SparkReplicas.create().run(sc, 2, (c, shard, attempt) -> train(c, clean, -1, attempt));
    List<byte[]> restarted = SparkReplicas.create().maxRestarts(1).timeout(Duration.ofSeconds(60))
        .run(sc, 2, (c, shard, attempt) -> train(c, faulty, 10, attempt));
    assertArrayEquals(uninterrupted.get(0), restarted.get(0));
    assertArrayEquals(uninterrupted.get(0), restarted.get(1));
    assertEquals(List.of(4L, 8L, 12L).subList(2, 3), Checkpoints.manager(Path.of(faulty)).steps());
  }

  @Test
  void ranksWithDifferentTreesFailTheStageNamingTheRankAndKeyPath() {
    StageFailedException e = assertThrows(StageFailedException.class, () -> SparkReplicas.create().timeout(Duration.ofSeconds(60))
        .run(sc, 2, (c, shard, attempt) -> c.allReduceMean(params(c.rank() == 0 ? DataType.FLOAT : DataType.DOUBLE))));
    String message = e.getMessage();
    assertEquals(1, e.attempts());
    assertTrue(message.contains("rank 1's tree differs from rank 0's at ['b']: rank 0 has float32[4], rank 1 has"
        + " float64[4]"), message);
  }
}
