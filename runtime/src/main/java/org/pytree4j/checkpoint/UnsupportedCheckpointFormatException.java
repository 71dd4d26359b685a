package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint was written in a newer file format than this version of pytree4j reads. It is not
 * skipped: restoring an older checkpoint instead would silently lose training progress.
 */
public class UnsupportedCheckpointFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int version;

  public UnsupportedCheckpointFormatException(Path file, int version, int supported) {
    super("checkpoint " + file + " has format version " + version + "; this pytree4j reads versions up to "
        + supported + " (upgrade pytree4j to restore it)");
    this.version = version;
  }

  /** The format version found in the file. */
  public int version() {
    return version;
  }
}
