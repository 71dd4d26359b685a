package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Flax's {@code flax.training.checkpoints} on a local directory, and the entry point to
 * {@link CheckpointManager} (Orbax's {@code CheckpointManager}).
 *
 * <pre>{@code
 * Checkpoints.save(dir, state, state.step());                       // keeps the newest only
 * TrainState<Params> resumed = Checkpoints.restoreLatest(dir, initial).orElse(initial);
 * CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(3).keepPeriod(10_000);
 * }</pre>
 *
 * <p>A checkpoint file is a 40-byte header (format version, step, checksums) followed by the state in
 * Flax's msgpack format ({@link org.pytree4j.serialization.Serialization#toBytes}).
 */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * A manager for {@code directory} with Flax's defaults: it keeps the newest checkpoint only
   * ({@link CheckpointManager#maxToKeep}), saves every step it is asked to, synchronously.
   */
  public static CheckpointManager manager(Path directory) {
    return new CheckpointManager(directory, CheckpointOptions.flaxDefaults());
  }

  /**
   * {@code flax.training.checkpoints.save_checkpoint(dir, state, step, keep=1)}.
   *
   * @return the checkpoint file
   */
  public static Path save(Path directory, Object state, long step) throws IOException {
    manager(directory).save(state, step);
    return directory.toRealPath().resolve(StepFiles.checkpointName(step));
  }

  /** {@code flax.training.checkpoints.restore_checkpoint(dir, target)}; empty if there is none. */
  public static <T> Optional<T> restoreLatest(Path directory, T target) throws IOException {
    return manager(directory).restoreLatest(target);
  }

  /** {@code flax.training.checkpoints.restore_checkpoint(dir, target, step=step)}. */
  public static <T> T restore(Path directory, long step, T target) throws IOException {
    return manager(directory).restore(step, target);
  }

  /** The step of {@code flax.training.checkpoints.latest_checkpoint(dir)}. */
  public static OptionalLong latestStep(Path directory) throws IOException {
    return manager(directory).latestStep();
  }
}
