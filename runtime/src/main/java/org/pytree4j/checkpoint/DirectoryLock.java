package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-writer lock of a checkpoint directory: an OS file lock on {@code .checkpoint.lock}
 * (released by the OS if the process dies), plus an in-process claim.
 *
 * <p>The in-process claim comes first because POSIX record locks belong to the process: a second
 * thread that opened and closed its own channel on the lock file would release the first thread's
 * lock for other processes. So within one JVM only the claiming thread ever opens the file.
 */
final class DirectoryLock implements AutoCloseable {
  static final String FILE_NAME = ".checkpoint.lock";

  private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code directory} (a real path) for saving, or throws {@link CheckpointLockedException}
   * at once if another thread or process holds it.
   */
  static DirectoryLock acquire(Path directory) throws IOException {
    if (!CLAIMED.add(directory)) {
      throw new CheckpointLockedException(directory, "another thread of this process is saving");
    }
    FileChannel channel = null;
    try {
      Path lockFile = directory.resolve(FILE_NAME);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held through another channel of this JVM, outside this class
      }
      if (lock == null) {
        throw new CheckpointLockedException(directory, lockFile + " is locked by another process");
      }
      return new DirectoryLock(directory, channel, lock);
    } catch (IOException | RuntimeException | Error e) {
      try {
        if (channel != null) {
          channel.close();
        }
      } finally {
        CLAIMED.remove(directory);
      }
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      CLAIMED.remove(directory);
    }
  }
}
