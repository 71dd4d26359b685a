package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints of a training run in one local directory: Orbax's {@code CheckpointManager} (and
 * {@code flax.training.checkpoints}). Immutable; configure with {@link #keep} and {@link #keepEvery}.
 *
 * <pre>{@code
 * CheckpointManager checkpoints = Checkpoints.manager(Path.of("runs/mlp")).keep(3).keepEvery(10_000);
 * TrainState<Params> state = checkpoints.restoreLatest(initial).orElse(initial);   // resume, or start
 * for (...) {
 *   state = state.applyGradients(grads);
 *   if (state.step() % 1000 == 0) checkpoints.save(state, state.step());
 * }
 * }</pre>
 *
 * <p><b>Durability.</b> A save writes {@code .checkpoint_<step>.ckpt.<random>.tmp} in the directory,
 * forces it to disk, renames it atomically to {@code checkpoint_<step>.ckpt} and forces the
 * directory; only then are old checkpoints removed. A save killed at any moment leaves the newest
 * good checkpoint in place; its temporary file is removed by the next save. Each file carries a
 * format version and CRC32C checksums, and {@link #restoreLatest} skips a damaged file in favour of
 * the newest good one.
 *
 * <p><b>One writer.</b> A save holds the directory's lock file ({@code .checkpoint.lock}); a second
 * saver, in this process or another, gets {@link CheckpointLockedException} instead of interleaving
 * writes. Restores need no lock.
 */
public final class CheckpointManager {
  private static final System.Logger LOG = System.getLogger(CheckpointManager.class.getName());
  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint_(\\d{1,18})\\.ckpt");
  private static final Pattern TEMPORARY = Pattern.compile("\\.checkpoint_\\d{1,18}\\.ckpt\\.[0-9a-f]{16}\\.tmp");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final int keep;
  private final long keepEvery;

  CheckpointManager(Path directory, int keep, long keepEvery) {
    if (directory == null) {
      throw new IllegalArgumentException("checkpoint directory must not be null");
    }
    this.directory = directory;
    this.keep = keep;
    this.keepEvery = keepEvery;
  }

  /** The checkpoint directory. */
  public Path directory() {
    return directory;
  }

  /**
   * Keeps the newest {@code n} checkpoints (Orbax's {@code max_to_keep}, Flax's {@code keep});
   * the default is 1, as in Flax. Use {@code Integer.MAX_VALUE} to keep all.
   */
  public CheckpointManager keep(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("keep must be at least 1 (the newest checkpoint), got " + n);
    }
    return new CheckpointManager(directory, n, keepEvery);
  }

  /**
   * Also keeps, forever, every checkpoint whose step is a multiple of {@code k} (Orbax's
   * {@code keep_period}; Flax's {@code keep_every_n_steps}).
   */
  public CheckpointManager keepEvery(long k) {
    if (k < 1) {
      throw new IllegalArgumentException("keepEvery must be at least 1, got " + k);
    }
    return new CheckpointManager(directory, keep, k);
  }

  /**
   * {@code flax.training.checkpoints.save_checkpoint} / Orbax {@code CheckpointManager.save}: saves
   * {@code state} as step {@code step}, then removes checkpoints beyond {@link #keep} and
   * {@link #keepEvery}. Creates the directory if needed.
   *
   * @return the checkpoint file
   * @throws IllegalArgumentException if {@code step} is not greater than the latest saved step
   * @throws CheckpointLockedException if another saver is saving to this directory
   * @throws org.pytree4j.InvalidTreeException if a leaf of {@code state} cannot be serialized
   *     (nothing is written)
   */
  public Path save(Object state, long step) throws IOException {
    if (step < 0) {
      throw new IllegalArgumentException("step must not be negative, got " + step);
    }
    Files.createDirectories(directory);
    Path dir = directory.toRealPath();
    DirectoryLock lock = DirectoryLock.acquire(dir);
    try {
      removeStaleTemporaryFiles(dir);
      List<Long> steps = steps(dir);
      if (!steps.isEmpty() && step <= steps.get(steps.size() - 1)) {
        throw new IllegalArgumentException("cannot save step " + step + " to " + dir + ": step "
            + steps.get(steps.size() - 1) + " is already saved, and steps must increase");
      }
      Path target = dir.resolve(fileName(step));
      Path temporary = dir.resolve("." + fileName(step) + "." + HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".tmp");
      try {
        CheckpointFile.write(temporary, state, step);
        moveAtomically(temporary, target);
      } catch (IOException | RuntimeException | Error e) {
        Files.deleteIfExists(temporary);
        throw e;
      }
      forceDirectory(dir);
      steps.add(step);
      removeOld(dir, steps);
      return target;
    } finally {
      lock.close();
    }
  }

  /**
   * Orbax's {@code restore(latest_step)} / {@code flax.training.checkpoints.restore_checkpoint}:
   * the newest readable checkpoint restored into {@code target}'s structure, or empty if the
   * directory holds no checkpoint. Damaged checkpoints are skipped with a warning.
   *
   * @throws CorruptCheckpointException if checkpoints exist but none is readable
   * @throws org.pytree4j.TreeMismatchException if the newest good checkpoint does not fit {@code target}
   */
  public <T> Optional<T> restoreLatest(T target) throws IOException {
    List<Long> steps = steps(directory);
    List<String> problems = new ArrayList<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      long step = steps.get(i);
      try {
        return Optional.of(CheckpointFile.read(file(step), step, target));
      } catch (CorruptCheckpointException | NoSuchFileException e) {
        LOG.log(System.Logger.Level.WARNING, "skipping checkpoint " + step + ": " + e.getMessage());
        problems.add(e.getMessage());
      }
    }
    if (steps.isEmpty()) {
      return Optional.empty();
    }
    throw new CorruptCheckpointException(directory, "none of its " + steps.size()
        + " checkpoints is readable: " + String.join("; ", problems));
  }

  /**
   * Orbax's {@code restore(step)}: checkpoint {@code step} restored into {@code target}'s structure.
   *
   * @throws NoSuchFileException if there is no checkpoint for {@code step}
   * @throws CorruptCheckpointException if that checkpoint is damaged
   */
  public <T> T restore(long step, T target) throws IOException {
    Path file = file(step);
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "no checkpoint for step " + step
          + "; saved steps: " + steps(directory));
    }
    return CheckpointFile.read(file, step, target);
  }

  /**
   * Orbax's {@code latest_step()} / {@code flax.training.checkpoints.latest_checkpoint}: the newest
   * step with a complete checkpoint file (header intact and full length), or empty.
   * {@link #restoreLatest} also verifies the payload checksum.
   */
  public OptionalLong latestStep() throws IOException {
    List<Long> steps = steps(directory);
    for (int i = steps.size() - 1; i >= 0; i--) {
      long step = steps.get(i);
      try (FileChannel channel = FileChannel.open(file(step), StandardOpenOption.READ)) {
        CheckpointFile.readHeader(channel, file(step), step);
        return OptionalLong.of(step);
      } catch (CorruptCheckpointException | NoSuchFileException e) {
        LOG.log(System.Logger.Level.DEBUG, "checkpoint " + step + " is not complete: " + e.getMessage());
      }
    }
    return OptionalLong.empty();
  }

  /** Orbax's {@code all_steps()}: the steps of the checkpoint files in the directory, ascending. */
  public List<Long> steps() throws IOException {
    return Collections.unmodifiableList(steps(directory));
  }

  /** The file of checkpoint {@code step} (which may not exist). */
  public Path file(long step) {
    return directory.resolve(fileName(step));
  }

  private static String fileName(long step) {
    return "checkpoint_" + step + ".ckpt";
  }

  private static List<Long> steps(Path dir) throws IOException {
    List<Long> steps = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return steps;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Matcher m = CHECKPOINT.matcher(file.getFileName().toString());
        if (m.matches()) {
          steps.add(Long.parseLong(m.group(1)));
        }
      }
    }
    Collections.sort(steps);
    return steps;
  }

  /** Temporary files of saves that died; safe to remove because the caller holds the directory lock. */
  private static void removeStaleTemporaryFiles(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (TEMPORARY.matcher(file.getFileName().toString()).matches()) {
          LOG.log(System.Logger.Level.INFO, "removing " + file + " left by an interrupted save");
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private void removeOld(Path dir, List<Long> ascendingSteps) throws IOException {
    for (int i = 0; i < ascendingSteps.size() - keep; i++) {
      long step = ascendingSteps.get(i);
      if (keepEvery > 0 && step % keepEvery == 0) {
        continue;
      }
      Files.deleteIfExists(dir.resolve(fileName(step)));
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + to.getParent() + " cannot rename atomically;"
          + " checkpoints need a local file system", e);
    }
  }

  /** Makes the rename durable. Windows cannot open a directory for this and orders renames itself. */
  private static void forceDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
        throw e;
      }
    }
  }

  @Override
  public String toString() {
    return "CheckpointManager[" + directory + ", keep=" + keep + (keepEvery > 0 ? ", keepEvery=" + keepEvery : "")
        + "]";
  }
}
