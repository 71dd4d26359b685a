package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An asynchronous save failed in the background (a full disk, a removed directory ...). It is
 * reported by the manager's next call ({@code save}, {@code waitUntilFinished}, {@code close} or
 * {@code checkForErrors}); the checkpoint of that step was not written, nor any part of it.
 */
public class CheckpointSaveFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long step;

  public CheckpointSaveFailedException(Path directory, long step, Throwable cause) {
    super("the asynchronous save of step " + step + " to " + directory + " failed, and nothing of it was kept: "
        + cause, cause);
    this.step = step;
  }

  /** The step whose save failed. */
  public long step() {
    return step;
  }
}
