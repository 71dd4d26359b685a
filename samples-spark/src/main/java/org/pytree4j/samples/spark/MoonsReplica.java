package org.pytree4j.samples.spark;

import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.schedule.Schedules.warmupCosineDecay;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.checkpoint.CheckpointManager;
import org.pytree4j.checkpoint.Checkpoints;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.ValueAndGradFn;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.parallel.Collective;
import org.pytree4j.parallel.DataParallelStep;
import org.pytree4j.parallel.Replicas;
import org.pytree4j.samples.moons.EmaTrainState;
import org.pytree4j.samples.moons.EmaTrainStatePyTree;
import org.pytree4j.samples.moons.MoonsModel;
import org.pytree4j.samples.moons.MoonsModel.Batch;
import org.pytree4j.samples.moons.MoonsModel.MlpParams;
import org.pytree4j.samples.moons.TwoMoons;
import org.pytree4j.spark.SparkReplica;

/**
 * One replica of the two-moons training: the same model, optimizer and EMA train state as the
 * single-process sample, each step on this rank's slice of the global batch. Captures only the
 * options; every array and graph is built inside the task.
 */
final class MoonsReplica implements SparkReplica<Integer, MoonsReplica.Summary> {
  private static final long serialVersionUID = 1L;
  static final int TRAIN_SIZE = 2000;
  static final int TEST_SIZE = 1000;
  static final int GLOBAL_BATCH = 128;
  static final int HIDDEN = 32;
  static final double EMA_DECAY = 0.99;
  static final int CHECKPOINT_EVERY = 100;

  /** What a replica reports to the driver. */
  record Summary(int rank, int attempt, long resumedFrom, long steps, double loss, double accuracy, long checksum)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final SparkOptions options;

  MoonsReplica(SparkOptions options) {
    this.options = options;
  }

  @Override
  public Summary run(Collective collective, Iterator<Integer> shard, int attempt) throws Exception {
    int rank = collective.rank();
    int size = collective.size();
    TwoMoons all = TwoMoons.generate(TRAIN_SIZE + TEST_SIZE, 0.1, options.seed());
    TwoMoons train = all.slice(0, TRAIN_SIZE);
    TwoMoons test = all.slice(TRAIN_SIZE, TRAIN_SIZE + TEST_SIZE);

    MlpParams params = MoonsModel.init(HIDDEN, options.seed());
    ValueAndGradFn<MlpParams, Batch> lossAndGrad =
        Grad.valueAndGrad(MoonsModel::loss, params, shardOf(train, 0, rank, size));
    int warmup = Math.max(1, options.steps() / 10);
    GradientTransformation tx = chain(clipByGlobalNorm(1.0),
        injectHyperparams(adamw(warmupCosineDecay(0.0, 2e-2, warmup, options.steps())).weightDecay(1e-4)));
    EmaTrainState initial =
        EmaTrainStatePyTree.create(lossAndGrad.applyFn(MoonsModel.LOGITS), params, tx, params);

    CheckpointManager checkpoints = Checkpoints.manager(Path.of(options.checkpoints())).keep(2);
    EmaTrainState state = Replicas.restoreLatest(collective, checkpoints, initial);   // rank 0 reads, all get it
    long resumedFrom = state.step();
    if (rank == 0 && resumedFrom > 0) {
      System.out.println("attempt " + attempt + ": resumed every replica from rank 0's checkpoint of step " + resumedFrom);
    }
    DataParallelStep<EmaTrainState, MlpParams, Batch> step = DataParallelStep.of(collective, lossAndGrad,
        EmaTrainState::params,
        (EmaTrainState s, MlpParams grads) -> {
          MlpParams ema = emaUpdate(s.emaParams(), s.params());
          return s.applyGradients(grads, b -> b.emaParams(ema));
        }).checkReplicasEvery(50);

    double loss = Double.NaN;
    while (state.step() < options.steps()) {
      DataParallelStep.Result<EmaTrainState> result = step.apply(state, shardOf(train, state.step(), rank, size));
      state = result.state();
      loss = result.loss();
      if (rank == 0 && state.step() % CHECKPOINT_EVERY == 0) {
        checkpoints.save(state, state.step());
      }
      if (rank == 0 && !options.quiet() && state.step() % 50 == 0) {
        System.out.printf("step %4d  loss %.4f (mean over %d replicas)%n", state.step(), loss, size);
      }
      if (attempt == 0 && rank == size - 1 && state.step() == options.failAt()) {
        throw new IllegalStateException("injected failure of replica " + rank + " after step " + options.failAt());
      }
    }
    Replicas.checkIdentical(collective, state);
    // each replica scores its slice of the test set; the counts are summed over the replicas
    TwoMoons mine = test.slice(rank * TEST_SIZE / size, (rank + 1) * TEST_SIZE / size);
    double correct = collective.allReduceSum(correct(state, state.emaParams(), mine));
    long checksum = PyTrees.<Long, INDArray>reduce((acc, leaf) -> acc * 31 + leaf.data().asNio().hashCode(), state.params(), 17L);
    return new Summary(rank, attempt, resumedFrom, state.step(), loss, correct / TEST_SIZE, checksum);
  }

  /**
   * This rank's slice of step {@code step}'s global batch. The global batch is drawn from a seed and
   * the step, so a resumed run sees the same data as an uninterrupted one.
   */
  private Batch shardOf(TwoMoons train, long step, int rank, int size) {
    TwoMoons global = train.batch(new Random(options.seed() * 1_000_003L + step), GLOBAL_BATCH);
    TwoMoons slice = global.slice(rank * GLOBAL_BATCH / size, (rank + 1) * GLOBAL_BATCH / size);
    return new Batch(slice.features(), slice.labels());
  }

  private static MlpParams emaUpdate(MlpParams ema, MlpParams params) {
    return PyTrees.map((INDArray e, INDArray p) -> e.mul(EMA_DECAY).addi(p.mul(1 - EMA_DECAY)), ema, params);
  }

  private static double correct(EmaTrainState state, MlpParams params, TwoMoons data) {
    INDArray predicted = state.applyFn().apply(params, data.features()).argMax(1);
    return predicted.eq(data.labels().argMax(1)).castTo(DataType.FLOAT).sumNumber().doubleValue();
  }
}
