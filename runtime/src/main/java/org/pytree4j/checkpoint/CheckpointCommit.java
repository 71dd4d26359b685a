package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The writing half of a save, run while the caller holds the directory lock: the metadata and
 * checkpoint files through temporary files, forced to disk and renamed into place (the checkpoint
 * last), the directory forced, then old checkpoints removed as {@link Retention} says.
 */
final class CheckpointCommit {
  private static final System.Logger LOG = System.getLogger(CheckpointManager.class.getName());

  private CheckpointCommit() {}

  /**
   * Writes and renames the metadata and checkpoint files and forces the directory, then removes old
   * checkpoints. The caller holds the lock. If anything before the end fails, every file of this
   * step is removed again; a failure to remove old checkpoints only logs (the next save tries again).
   */
  static void commit(Path dir, long step, byte[] metadata, CheckpointFile.Payload payload, CheckpointOptions options)
      throws IOException {
    Path metaTarget = dir.resolve(StepFiles.metadataName(step));
    Path target = dir.resolve(StepFiles.checkpointName(step));
    Path metaTemporary = dir.resolve(StepFiles.temporaryName(metaTarget.getFileName().toString()));
    Path temporary = dir.resolve(StepFiles.temporaryName(target.getFileName().toString()));
    boolean metadataRenamed = false;
    boolean renamed = false;
    boolean committed = false;
    try {
      try (FileChannel channel = FileChannel.open(metaTemporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(metadata);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      CheckpointFile.write(temporary, payload, step);
      moveAtomically(metaTemporary, metaTarget);
      metadataRenamed = true;
      moveAtomically(temporary, target);
      renamed = true;
      forceDirectory(dir);
      committed = true;
    } finally {
      if (!committed) {
        Files.deleteIfExists(temporary);
        Files.deleteIfExists(metaTemporary);
        if (renamed) {
          Files.deleteIfExists(target);
        }
        if (metadataRenamed) {
          Files.deleteIfExists(metaTarget);
        }
      }
    }
    try {
      removeOld(dir, options);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "saved step " + step + " to " + dir + " but could not remove old"
          + " checkpoints (the next save tries again): " + e, e);
    }
  }

  /**
   * Temporary files of saves that died, and metadata files whose checkpoint was never renamed into
   * place; safe to remove because the caller holds the directory lock.
   */
  static void removeStaleFiles(Path dir) throws IOException {
    Set<Long> checkpoints = new HashSet<>(StepFiles.steps(dir));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        OptionalLong metadataOf = StepFiles.metadataStep(name);
        if (StepFiles.isTemporary(name) || (metadataOf.isPresent() && !checkpoints.contains(metadataOf.getAsLong()))) {
          LOG.log(System.Logger.Level.INFO, "removing " + file + " left by an interrupted save");
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static void removeOld(Path dir, CheckpointOptions options) throws IOException {
    for (long step : Retention.stepsToRemove(CheckpointMetadata.all(dir), options)) {
      Files.deleteIfExists(dir.resolve(StepFiles.checkpointName(step)));
      Files.deleteIfExists(dir.resolve(StepFiles.metadataName(step)));
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
}
