package org.pytree4j.optim.engine;

import org.bytedeco.javacpp.FloatPointer;

/**
 * The memory of one leaf array inside a {@link Lease}d slab: a non-owning pointer (ND4J wraps it as
 * an external buffer and never frees it) that keeps the lease reachable, and that lets the optimizer
 * recognise its own arrays (where they live, which descriptor they were made with).
 */
final class LeafPointer extends FloatPointer {
  final Lease lease;
  /** The leaf's first element within the slab. */
  final int offset;
  final ArrayShells.ShapeInfo shape;

  LeafPointer(Lease lease, int offset, ArrayShells.ShapeInfo shape) {
    this.lease = lease;
    this.offset = offset;
    this.shape = shape;
    long count = shape.length();
    this.address = lease.slab.address + 4L * offset;
    this.limit = count;
    this.capacity = count;
  }
}
