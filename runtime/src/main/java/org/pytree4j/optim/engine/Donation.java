package org.pytree4j.optim.engine;

import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTreeOps;
import org.pytree4j.PyTrees;

/**
 * What donating a state (JAX's {@code donate_argnums}) does to its arrays: each one whose memory was
 * given to the result is pointed at a released buffer, as if it had been closed, so that reading it
 * throws ({@code IllegalStateException}: "You can't use DataBuffer once it was released", or "Op.X
 * argument was closed before call") instead of showing values of a later step.
 */
final class Donation {
  /** Trees as the optimizer sees them: None (null) is a leaf. */
  static final PyTreeOps NONE_IS_LEAF = PyTrees.isLeaf(Objects::isNull);

  /** One released buffer per dtype, made when first needed. */
  private final Map<DataType, DataBuffer> released = new EnumMap<>(DataType.class);

  /** True when {@code array} can be closed this way. */
  static boolean canRelease(INDArray array) {
    return array instanceof BaseNDArray;
  }

  /** Makes {@code array} unreadable; its former buffer is untouched (it may now belong to a new array). */
  void release(INDArray array) {
    ((BaseNDArray) array).setData(released(array.dataType()));
  }

  /**
   * {@link #release} for the float32 arrays {@code arrays[from..to)} (those that {@link #canRelease};
   * {@code allReleasable}: all of them, as a scan found), with plain stores and one fence after them
   * all: one at a time, each store would wait for its array's cache line.
   */
  void releaseFloat32(INDArray[] arrays, int from, int to, Set<Object> except, boolean allReleasable) {
    DataBuffer releasedBuffer = released(DataType.FLOAT);
    // an empty set is not asked: asking would give every array an identity hash, one CAS each
    boolean askExcept = !except.isEmpty();
    for (int i = from; i < to; i++) {
      INDArray a = arrays[i];
      // an array known to be releasable is not asked its class, which would wait for its cache line
      if ((allReleasable || canRelease(a)) && (!askExcept || !except.contains(a))) {
        Nd4jInternals.setData(a, releasedBuffer);
      }
    }
    Nd4jInternals.publish();
  }

  /** True when {@code array} was donated (or closed) and must not be used. */
  static boolean isReleased(INDArray array) {
    return array.wasClosed();
  }

  /**
   * Throws naming the first array of {@code tree} that was donated, e.g. {@code params['dense']['kernel']};
   * {@code what} names the tree.
   */
  static void requireNotReleased(Object tree, String what) {
    for (LeafWithPath leaf : NONE_IS_LEAF.leavesWithPath(tree)) {
      if (leaf.leaf() instanceof INDArray a && isReleased(a)) {
        throw new IllegalArgumentException(what + " at " + leaf.path().describe() + " was donated to an earlier step"
            + " (applyGradientsDonating / stepDonating) or closed, and can no longer be read: continue from the state"
            + " that step returned");
      }
    }
  }

  /**
   * After an unfused donating step: releases the arrays of {@code params} and {@code state} that the
   * result does not hold and that were not also passed as {@code grads}.
   */
  void releaseReplaced(Object params, Object state, Object grads, Object newParams, Object newState) {
    IdentityHashMap<Object, Boolean> keep = new IdentityHashMap<>();
    for (Object tree : new Object[] {grads, newParams, newState}) {
      for (Object leaf : NONE_IS_LEAF.leaves(tree)) {
        keep.put(leaf, true);
      }
    }
    for (Object tree : new Object[] {params, state}) {
      for (Object leaf : NONE_IS_LEAF.leaves(tree)) {
        if (leaf instanceof INDArray a && !keep.containsKey(a) && canRelease(a) && !isReleased(a)) {
          release(a);
        }
      }
    }
  }

  private synchronized DataBuffer released(DataType type) {
    return released.computeIfAbsent(type, t -> {
      DataBuffer b = Nd4j.createBuffer(t, 1, true);
      b.close();
      return b;
    });
  }
}
