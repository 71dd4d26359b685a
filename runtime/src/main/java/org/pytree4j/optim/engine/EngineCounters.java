package org.pytree4j.optim.engine;

import java.util.concurrent.atomic.LongAdder;

/** What one {@link Engine} counts as it works: read by tests and shown in {@link EngineStats}. */
final class EngineCounters {
  /** Steps that ran fused. */
  final LongAdder fusedSteps = new LongAdder();
  /** Main passes by kind: in native code, on the slabs through the Vector API, through scratch arrays. */
  final LongAdder nativePasses = new LongAdder();
  final LongAdder directPasses = new LongAdder();
  final LongAdder copyingPasses = new LongAdder();
  /** Inputs read through a C-order copy (views that are not contiguous). */
  final LongAdder inputCopies = new LongAdder();
  /** Leaves checked by their array rather than by a descriptor already known. */
  final LongAdder foreignChecks = new LongAdder();
  /** Native views of leaf buffers: made, and made and not yet freed. */
  final LongAdder viewsMade = new LongAdder();
  final LongAdder viewsLive = new LongAdder();
}
