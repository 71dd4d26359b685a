package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.ToDoubleFunction;
import org.pytree4j.KeyPath;
import org.pytree4j.serialization.Serialization;

/**
 * Checkpoints of a training run in one local directory: Orbax's {@code CheckpointManager} (and
 * {@code flax.training.checkpoints}), with Orbax's options under the same names in camelCase.
 * Configure it fluently (each option returns a new manager), then use one instance:
 *
 * <pre>{@code
 * try (CheckpointManager checkpoints = Checkpoints.manager(Path.of("runs/mlp"))
 *     .saveIntervalSteps(1000).maxToKeep(3).keepPeriod(10_000).enableAsyncCheckpointing(true)) {
 *   TrainState<Params> state = checkpoints.restoreLatest(initial).orElse(initial);   // resume, or start
 *   for (...) {
 *     state = state.applyGradients(grads);
 *     checkpoints.save(state, state.step(), Map.of("loss", loss));   // every 1000th step; returns at once
 *   }
 * }   // close() waits for the last save
 * }</pre>
 *
 * <p><b>Durability.</b> A save writes {@code .checkpoint_<step>.ckpt.<random>.tmp} and the metadata
 * file's temporary in the directory, forces both to disk, renames them to
 * {@code checkpoint_<step>.meta} and {@code checkpoint_<step>.ckpt} (the checkpoint last) and forces
 * the directory; only then are old checkpoints removed. A save killed at any moment leaves the
 * newest good checkpoint in place; its temporary files are removed by the next save. Each file
 * carries a format version and CRC32C checksums, and {@link #restoreLatest} skips a damaged file in
 * favour of the newest good one.
 *
 * <p><b>One writer, any readers.</b> A save holds the directory's lock file ({@code .checkpoint.lock});
 * a second saver, in this process or another, gets {@link CheckpointLockedException} instead of
 * interleaving writes. Reading needs no lock: a reader that finds a listed checkpoint deleted by a
 * saver (which removes old ones) lists the directory again, so it never reports such a file as
 * corrupt.
 */
public final class CheckpointManager implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CheckpointManager.class.getName());
  /** How often a reader lists the directory again when the files it listed keep vanishing. */
  private static final int MAX_LISTINGS = 10_000;

  private final Path directory;
  private final CheckpointOptions options;
  private AsyncWriter writer;

  CheckpointManager(Path directory, CheckpointOptions options) {
    if (directory == null) {
      throw new IllegalArgumentException("checkpoint directory must not be null");
    }
    this.directory = directory;
    this.options = options;
  }

  /** The checkpoint directory. */
  public Path directory() {
    return directory;
  }

  private CheckpointManager with(CheckpointOptions changed) {
    return new CheckpointManager(directory, changed);
  }

  /**
   * Orbax's {@code max_to_keep}: keeps at most {@code n} checkpoints (the newest, or with
   * {@link #bestFn} the best), plus those {@link #keepPeriod} and {@link #keepTimeInterval} preserve.
   * The default is 1, as Flax's {@code save_checkpoint}; {@code Integer.MAX_VALUE} keeps all (Orbax's
   * default, None).
   */
  public CheckpointManager maxToKeep(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxToKeep must be at least 1 (Orbax's 0 would remove the checkpoint just"
          + " saved), got " + n);
    }
    return with(options.withMaxToKeep(n == Integer.MAX_VALUE ? null : n));
  }

  /** Flax's {@code keep}: {@link #maxToKeep}. */
  public CheckpointManager keep(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("keep must be at least 1 (the newest checkpoint), got " + n);
    }
    return maxToKeep(n);
  }

  /**
   * Orbax's {@code keep_period}: checkpoints whose step is a multiple of {@code k} are never removed
   * (Flax's {@code keep_every_n_steps}).
   */
  public CheckpointManager keepPeriod(long k) {
    if (k < 1) {
      throw new IllegalArgumentException("keepPeriod must be at least 1, got " + k);
    }
    return with(options.withKeepPeriod(k));
  }

  /** {@link #keepPeriod}, under its earlier name. */
  public CheckpointManager keepEvery(long k) {
    if (k < 1) {
      throw new IllegalArgumentException("keepEvery must be at least 1, got " + k);
    }
    return keepPeriod(k);
  }

  /**
   * Orbax's {@code keep_time_interval}: of the checkpoints {@link #maxToKeep} would remove, keeps the
   * oldest and then each one saved at least {@code interval} after the last one kept this way (one
   * an hour, say). Times are those recorded in the checkpoints' metadata.
   */
  public CheckpointManager keepTimeInterval(Duration interval) {
    if (interval == null || interval.isNegative()) {
      throw new IllegalArgumentException("keepTimeInterval must be a non-negative duration, got " + interval);
    }
    return with(options.withKeepTimeInterval(interval));
  }

  /**
   * Orbax's {@code best_fn}: ranks checkpoints by a number computed from the metrics passed to
   * {@link #save(Object, long, Map)}, so {@link #maxToKeep} keeps the best instead of the newest
   * ({@link #bestMode} says whether larger is better). {@code fn} gets the metrics as they read back
   * from the checkpoint's metadata ({@code Double}s, {@code Long}s ...). Checkpoints saved without
   * metrics are kept unless {@link #keepCheckpointsWithoutMetrics} says otherwise.
   */
  public CheckpointManager bestFn(ToDoubleFunction<Map<String, Object>> fn) {
    if (fn == null) {
      throw new IllegalArgumentException("bestFn must not be null");
    }
    return with(options.withBestFn(fn));
  }

  /** Orbax's {@code best_mode}: {@link BestMode#MAX} (the default) or {@link BestMode#MIN}. */
  public CheckpointManager bestMode(BestMode mode) {
    if (mode == null) {
      throw new IllegalArgumentException("bestMode must not be null");
    }
    return with(options.withBestMode(mode));
  }

  /**
   * Orbax's {@code keep_checkpoints_without_metrics} (default true): with {@link #bestFn}, whether
   * checkpoints saved without metrics are always kept, or ranked below every checkpoint with metrics.
   */
  public CheckpointManager keepCheckpointsWithoutMetrics(boolean keep) {
    return with(options.withKeepCheckpointsWithoutMetrics(keep));
  }

  /**
   * Orbax's {@code save_interval_steps} (default 1): {@link #save} saves only steps that are a
   * multiple of {@code n} (or in {@link #saveOnSteps}), and the first step saved to an empty
   * directory. See {@link #shouldSave}.
   */
  public CheckpointManager saveIntervalSteps(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("saveIntervalSteps must be at least 1, got " + n);
    }
    return with(options.withSaveIntervalSteps(n));
  }

  /** Orbax's {@code save_on_steps}: steps {@link #save} saves whatever {@link #saveIntervalSteps} says. */
  public CheckpointManager saveOnSteps(long... steps) {
    Set<Long> set = new HashSet<>();
    for (long step : steps) {
      set.add(step);
    }
    return with(options.withSaveOnSteps(set));
  }

  /**
   * Orbax's {@code should_save_fn}: decides which steps {@link #save} saves, instead of
   * {@link #saveIntervalSteps} and {@link #saveOnSteps}. It is asked only about steps after the
   * latest saved one.
   */
  public CheckpointManager shouldSaveFn(ShouldSaveFn fn) {
    if (fn == null) {
      throw new IllegalArgumentException("shouldSaveFn must not be null");
    }
    return with(options.withShouldSaveFn(fn));
  }

  /**
   * Orbax's {@code enable_async_checkpointing} (pytree4j's default is false): {@link #save}
   * serializes the state into memory and returns, a background thread writes it. The next save,
   * {@link #waitUntilFinished} and {@link #close} wait for it; a failure is reported by the next
   * call and leaves no part of that checkpoint behind.
   */
  public CheckpointManager enableAsyncCheckpointing(boolean async) {
    return with(options.withEnableAsyncCheckpointing(async));
  }

  /** The executor of asynchronous saves, for tests that hold a write back. */
  CheckpointManager withExecutor(Executor executor) {
    return with(options.withExecutor(executor));
  }

  /** The clock that times checkpoints, for tests of {@link #keepTimeInterval}. */
  CheckpointManager withClock(Clock clock) {
    return with(options.withClock(clock));
  }

  /**
   * Orbax's {@code should_save(step)}: whether {@link #save} would save {@code step}. Never for a step
   * not after the latest saved (or being saved) one; otherwise {@link #shouldSaveFn} decides if set,
   * else a step is saved when no checkpoint exists yet, when it is a multiple of
   * {@link #saveIntervalSteps}, or when it is one of {@link #saveOnSteps}.
   */
  public boolean shouldSave(long step) throws IOException {
    return shouldSave(step, latestSavedOrPending());
  }

  private boolean shouldSave(long step, OptionalLong latest) {
    if (latest.isPresent() && latest.getAsLong() >= step) {
      return false;
    }
    if (options.shouldSaveFn() != null) {
      return options.shouldSaveFn().shouldSave(step, latest);
    }
    return latest.isEmpty() || step % options.saveIntervalSteps() == 0 || options.saveOnSteps().contains(step);
  }

  /** {@link #save(Object, long, Map, boolean) save(state, step, null, false)}. */
  public boolean save(Object state, long step) throws IOException {
    return save(state, step, null, false);
  }

  /** {@link #save(Object, long, Map, boolean) save(state, step, metrics, false)}. */
  public boolean save(Object state, long step, Map<String, ?> metrics) throws IOException {
    return save(state, step, metrics, false);
  }

  /**
   * Orbax's {@code save(step, args, metrics, force)} / {@code flax.training.checkpoints.save_checkpoint}:
   * saves {@code state} as step {@code step} if {@link #shouldSave} (or {@code force}), with its
   * metadata (step, time, {@code metrics}), then removes checkpoints as {@link #maxToKeep} and the
   * options that preserve checkpoints say. Creates the directory if needed. Asynchronously
   * ({@link #enableAsyncCheckpointing}) it returns once the state is serialized into memory.
   *
   * @param metrics numbers (or any tree of leaves a state may hold) to store with the checkpoint and
   *     to rank it by with {@link #bestFn}; may be null
   * @param force save even if {@link #shouldSave} says no (Orbax's {@code force})
   * @return whether the state was saved (or, asynchronously, is being saved)
   * @throws IllegalArgumentException if {@code step} is negative or not after the latest saved step
   *     (Flax refuses to overwrite a newer checkpoint; Orbax's {@code save} would return false)
   * @throws CheckpointLockedException if another saver is saving to this directory
   * @throws CheckpointSaveFailedException if the previous asynchronous save failed
   * @throws org.pytree4j.InvalidTreeException if a leaf of {@code state} or of {@code metrics} cannot
   *     be serialized (nothing is written)
   */
  public boolean save(Object state, long step, Map<String, ?> metrics, boolean force) throws IOException {
    if (step < 0) {
      throw new IllegalArgumentException("step must not be negative, got " + step);
    }
    AsyncWriter async = writer();
    if (async != null) {
      async.checkForErrors();
    }
    OptionalLong latest = latestSavedOrPending();
    if (latest.isPresent() && step <= latest.getAsLong()) {
      throw stepsMustIncrease(step, directory.toRealPath(), latest.getAsLong());
    }
    if (!force && !shouldSave(step, latest)) {
      return false;
    }
    Instant time = options.clock().instant();
    Map<String, Object> savedMetrics = CheckpointMetadata.roundTrip(metrics);
    if (savedMetrics != null && options.bestFn() != null) {
      options.bestFn().applyAsDouble(savedMetrics); // fails the save now rather than a later removal
    } else if (savedMetrics == null && options.bestFn() != null) {
      LOG.log(System.Logger.Level.WARNING, "saving step " + step + " without metrics although bestFn ranks by them");
    }
    byte[] metadata = CheckpointMetadata.bytes(step, time, metrics);
    if (async != null) {
      async.await();
    }
    Files.createDirectories(directory);
    Path dir = directory.toRealPath();
    DirectoryLock lock = DirectoryLock.acquire(dir);
    boolean handedOver = false;
    try {
      CheckpointCommit.removeStaleFiles(dir);
      List<Long> steps = StepFiles.steps(dir);
      if (!steps.isEmpty() && step <= steps.get(steps.size() - 1)) {
        throw stepsMustIncrease(step, dir, steps.get(steps.size() - 1));
      }
      if (async == null) {
        CheckpointCommit.commit(dir, step, metadata, out -> Serialization.write(state, out), options);
        return true;
      }
      StateSnapshot snapshot = StateSnapshot.of(state, async.spareBlocks());
      async.submit(step, () -> {
        try {
          CheckpointCommit.commit(dir, step, metadata, snapshot::writeTo, options);
        } finally {
          async.recycle(snapshot);
          lock.close();
        }
      });
      handedOver = true;
      return true;
    } finally {
      if (!handedOver) {
        lock.close();
      }
    }
  }

  private static IllegalArgumentException stepsMustIncrease(long step, Path dir, long latest) {
    return new IllegalArgumentException("cannot save step " + step + " to " + dir + ": step " + latest
        + " is already saved, and steps must increase");
  }

  /**
   * Orbax's {@code restore(latest_step)} / {@code flax.training.checkpoints.restore_checkpoint}:
   * the newest readable checkpoint restored into {@code target}'s structure, or empty if the
   * directory holds no checkpoint. Damaged checkpoints are skipped with a warning; checkpoints
   * removed by a saver while this reads are looked for again.
   *
   * @throws CorruptCheckpointException if checkpoints exist but none is readable
   * @throws org.pytree4j.TreeMismatchException if the newest good checkpoint does not fit {@code target}
   */
  public <T> Optional<T> restoreLatest(T target) throws IOException {
    return restoreLatest(KeyPath.root(), target);
  }

  /**
   * {@link #restoreLatest(Object)} of one subtree of the saved state: {@code subtree} is a path of
   * state-dict keys ({@code KeyPath.root().dict("params")}) and {@code target} has the structure of
   * that subtree. The rest of the state is skipped, so restoring the params of a {@code TrainState}
   * needs no optimizer state types.
   */
  public <T> Optional<T> restoreLatest(KeyPath subtree, T target) throws IOException {
    for (int listing = 0; listing < MAX_LISTINGS; listing++) {
      List<Long> steps = StepFiles.steps(directory);
      if (steps.isEmpty()) {
        return Optional.empty();
      }
      List<String> problems = new ArrayList<>();
      boolean vanished = false;
      for (int i = steps.size() - 1; i >= 0 && !vanished; i--) {
        long step = steps.get(i);
        try {
          return Optional.of(CheckpointFile.read(file(step), step, subtree, target));
        } catch (NoSuchFileException e) {
          vanished = true; // removed by a saver since the listing: a newer one may exist now
        } catch (CorruptCheckpointException e) {
          LOG.log(System.Logger.Level.WARNING, "skipping checkpoint " + step + ": " + e.getMessage());
          problems.add(e.getMessage());
        }
      }
      if (!vanished) {
        throw new CorruptCheckpointException(directory, "none of its " + steps.size()
            + " checkpoints is readable: " + String.join("; ", problems));
      }
    }
    throw vanishing();
  }

  private IOException vanishing() {
    return new IOException("the checkpoints of " + directory + " were removed faster than they could be read ("
        + MAX_LISTINGS + " listings)");
  }

  /**
   * Orbax's {@code restore(step)}: checkpoint {@code step} restored into {@code target}'s structure.
   *
   * @throws NoSuchFileException if there is no checkpoint for {@code step}
   * @throws CorruptCheckpointException if that checkpoint is damaged
   */
  public <T> T restore(long step, T target) throws IOException {
    return restore(step, KeyPath.root(), target);
  }

  /** {@link #restore(long, Object)} of one subtree; see {@link #restoreLatest(KeyPath, Object)}. */
  public <T> T restore(long step, KeyPath subtree, T target) throws IOException {
    Path file = file(step);
    try {
      return CheckpointFile.read(file, step, subtree, target);
    } catch (NoSuchFileException e) {
      NoSuchFileException missing = new NoSuchFileException(file.toString(), null, "no checkpoint for step " + step
          + "; saved steps: " + StepFiles.steps(directory));
      missing.initCause(e);
      throw missing;
    }
  }

  /**
   * Orbax's {@code latest_step()} / {@code flax.training.checkpoints.latest_checkpoint}: the newest
   * step with a complete checkpoint file (header intact and full length), or empty.
   * {@link #restoreLatest} also verifies the payload checksum.
   */
  public OptionalLong latestStep() throws IOException {
    for (int listing = 0; listing < MAX_LISTINGS; listing++) {
      List<Long> steps = StepFiles.steps(directory);
      boolean vanished = false;
      for (int i = steps.size() - 1; i >= 0 && !vanished; i--) {
        long step = steps.get(i);
        try (FileChannel channel = FileChannel.open(file(step), StandardOpenOption.READ)) {
          CheckpointFile.readHeader(channel, file(step), step);
          return OptionalLong.of(step);
        } catch (NoSuchFileException e) {
          vanished = true;
        } catch (CorruptCheckpointException e) {
          LOG.log(System.Logger.Level.DEBUG, "checkpoint " + step + " is not complete: " + e.getMessage());
        }
      }
      if (!vanished) {
        return OptionalLong.empty();
      }
    }
    throw vanishing();
  }

  /** The latest saved step, or the step of an asynchronous save in flight if that is later. */
  private OptionalLong latestSavedOrPending() throws IOException {
    List<Long> steps = StepFiles.steps(directory);
    long latest = steps.isEmpty() ? -1 : steps.get(steps.size() - 1);
    AsyncWriter async = writer();
    if (async != null) {
      latest = Math.max(latest, async.pendingStep());
    }
    return latest < 0 ? OptionalLong.empty() : OptionalLong.of(latest);
  }

  /** Orbax's {@code all_steps()}: the steps of the checkpoint files in the directory, ascending. */
  public List<Long> steps() throws IOException {
    return Collections.unmodifiableList(StepFiles.steps(directory));
  }

  /**
   * The metadata of every checkpoint, ascending by step (Orbax's {@code CheckpointInfo}s): step, time
   * and metrics, read from the metadata files without restoring any state.
   */
  public List<CheckpointInfo> checkpoints() throws IOException {
    return CheckpointMetadata.all(directory);
  }

  /** Orbax's {@code metrics(step)}: the metrics saved with checkpoint {@code step}, or empty. */
  public Optional<Map<String, Object>> metrics(long step) throws IOException {
    try {
      return CheckpointMetadata.read(directory, step).metrics();
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file(step).toString(), null, "no checkpoint for step " + step);
    }
  }

  /**
   * Orbax's {@code best_step()}: the step of the best checkpoint by {@link #bestFn}, or the latest
   * when no {@code bestFn} is set (or no checkpoint has metrics).
   */
  public OptionalLong bestStep() throws IOException {
    List<CheckpointInfo> infos = checkpoints();
    if (options.bestFn() == null) {
      return infos.isEmpty() ? OptionalLong.empty() : OptionalLong.of(infos.get(infos.size() - 1).step());
    }
    CheckpointInfo best = null;
    double bestValue = 0;
    for (CheckpointInfo info : infos) {
      if (info.metrics().isPresent()) {
        double value = options.bestFn().applyAsDouble(info.metrics().get());
        boolean better = options.bestMode() == BestMode.MAX ? value >= bestValue : value <= bestValue;
        if (best == null || better) {
          best = info;
          bestValue = value;
        }
      }
    }
    return best == null ? OptionalLong.empty() : OptionalLong.of(best.step());
  }

  /** Orbax's {@code wait_until_finished()}: waits for an asynchronous save; throws if it failed. */
  public void waitUntilFinished() throws IOException {
    AsyncWriter async = writer();
    if (async != null) {
      async.await();
    }
  }

  /** Orbax's {@code check_for_errors()}: throws the failure of a finished asynchronous save, without waiting. */
  public void checkForErrors() throws IOException {
    AsyncWriter async = writer();
    if (async != null) {
      async.checkForErrors();
    }
  }

  /**
   * Orbax's {@code close()}: waits for an asynchronous save in flight and reports its failure. The
   * manager stays usable.
   */
  @Override
  public void close() throws IOException {
    waitUntilFinished();
  }

  /** The file of checkpoint {@code step} (which may not exist). */
  public Path file(long step) {
    return directory.resolve(StepFiles.checkpointName(step));
  }

  private synchronized AsyncWriter writer() {
    if (options.enableAsyncCheckpointing() && writer == null) {
      writer = new AsyncWriter(directory, options.executor());
    }
    return writer;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CheckpointManager[").append(directory);
    sb.append(", maxToKeep=").append(options.maxToKeep() == null ? "all" : options.maxToKeep());
    if (options.keepPeriod() != null) {
      sb.append(", keepPeriod=").append(options.keepPeriod());
    }
    if (options.keepTimeInterval() != null) {
      sb.append(", keepTimeInterval=").append(options.keepTimeInterval());
    }
    if (options.bestFn() != null) {
      sb.append(", bestFn, bestMode=").append(options.bestMode());
    }
    if (options.saveIntervalSteps() != 1) {
      sb.append(", saveIntervalSteps=").append(options.saveIntervalSteps());
    }
    if (options.enableAsyncCheckpointing()) {
      sb.append(", async");
    }
    return sb.append(']').toString();
  }
}
