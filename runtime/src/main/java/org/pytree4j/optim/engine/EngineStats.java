package org.pytree4j.optim.engine;

/**
 * What an {@link Engine} has done so far.
 *
 * @param fusedSteps steps that ran as one fused pass
 * @param nativePasses fused passes in native code
 * @param directPasses fused passes that read and wrote the slabs through the Vector API
 * @param copyingPasses fused passes through scratch arrays in Java
 * @param inputCopies inputs that were not contiguous and were read through a C-order copy
 * @param foreignChecks leaves checked by their array rather than by a shape descriptor already known
 * @param slabsReused outputs written into recycled memory
 * @param viewsMade native views of leaf buffers made
 * @param viewsLive native views of leaf buffers made and not yet freed
 */
public record EngineStats(long fusedSteps, long nativePasses, long directPasses, long copyingPasses,
    long inputCopies, long foreignChecks, long slabsReused, long viewsMade, long viewsLive) {}
