package org.pytree4j.checkpoint;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Orbax's {@code CheckpointInfo}: what a checkpoint's metadata file says about it, read without
 * restoring the state.
 *
 * @param step the step
 * @param time when {@code save} was called for it (for a checkpoint written before metadata files
 *     existed, the time its file was last modified)
 * @param metrics the metrics passed to {@code save}, as a state dict ({@code Double}s for doubles,
 *     {@code Long}s for longs ...), or empty when none were
 */
public record CheckpointInfo(long step, Instant time, Optional<Map<String, Object>> metrics) {}
