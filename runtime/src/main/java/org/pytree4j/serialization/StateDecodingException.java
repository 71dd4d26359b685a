package org.pytree4j.serialization;

import org.pytree4j.KeyPath;

/**
 * Bytes are not a valid Flax msgpack state: truncated input, an unknown ext type, an unsupported
 * dtype, an array whose shape does not match its byte count. The message names the key path in the
 * state dict where reading failed, e.g. {@code ['params']['dense']['kernel']} (a path of hostile
 * depth is shortened to its first and last entries; {@link #path()} has all of it).
 */
public class StateDecodingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient KeyPath path;

  public StateDecodingException(KeyPath path, String message) {
    this(path, message, null);
  }

  public StateDecodingException(KeyPath path, String message, Throwable cause) {
    super("invalid Flax msgpack bytes at " + Values.path(path) + ": " + message, cause);
    this.path = path;
  }

  /** Where in the state dict reading failed; the root for top-level problems. */
  public KeyPath path() {
    return path;
  }
}
