package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Another saver (another process, or another thread of this one) is saving to the same checkpoint
 * directory. Only one writer may save to a directory at a time; nothing was written.
 */
public class CheckpointLockedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;

  public CheckpointLockedException(Path directory, String detail) {
    super("cannot save to checkpoint directory " + directory + ": another saver holds its lock ("
        + detail + "); only one process may save to a checkpoint directory at a time");
    this.directory = directory;
  }

  /** The locked checkpoint directory. */
  public Path directory() {
    return directory;
  }
}
