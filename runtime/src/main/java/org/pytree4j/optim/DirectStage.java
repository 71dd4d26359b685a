package org.pytree4j.optim;

import java.nio.ByteBuffer;

/**
 * A {@link FusedStage} that reads its state from the input slabs and writes it to the output slabs
 * directly ({@link DirectKernels}) instead of through scratch arrays: {@code stateIn[k]} and
 * {@code stateOut[k]} are this stage's k-th state tree, {@code offset} the block's first byte.
 */
@FunctionalInterface
interface DirectStage {
  void run(float[] updates, ByteBuffer[] stateIn, ByteBuffer[] stateOut, int offset, int n);
}
