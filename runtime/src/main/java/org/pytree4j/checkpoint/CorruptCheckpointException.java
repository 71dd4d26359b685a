package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file is torn or damaged: too short, a bad header, a checksum that does not match, or
 * content that is not a state. {@link CheckpointManager#restoreLatest} skips such files in favour of
 * the newest good one.
 */
public class CorruptCheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public CorruptCheckpointException(Path file, String message) {
    this(file, message, null);
  }

  public CorruptCheckpointException(Path file, String message, Throwable cause) {
    super("corrupt checkpoint " + file + ": " + message, cause);
    this.file = file;
  }

  /** The damaged file (or the directory, when no file in it could be read). */
  public Path file() {
    return file;
  }
}
