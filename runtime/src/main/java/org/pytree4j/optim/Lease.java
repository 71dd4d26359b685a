package org.pytree4j.optim;

/**
 * A {@link Slab} lent out for the arrays of one output tree. Every array made over it refers to
 * this object (through its {@link LeafPointer}), so the slab goes back to the pool only once none
 * of those arrays, nor any view of them, can be reached.
 */
final class Lease {
  final Slab slab;

  Lease(Slab slab) {
    this.slab = slab;
  }
}
