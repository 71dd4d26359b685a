package org.pytree4j.grad;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * What an {@link AuxLossFn} returns, JAX's {@code (loss, aux)}: the loss variable and the aux tree,
 * whose leaves are stand-ins made with {@link Graph#aux} (or {@link Graph#updated}).
 *
 * @param loss the scalar loss, a variable of {@code g.sd()}
 * @param aux any pytree (records, maps, lists) whose every leaf is a stand-in
 * @param <A> the aux tree type
 */
public record LossWithAux<A>(SDVariable loss, A aux) {
  /** {@code (loss, aux)}. */
  public static <A> LossWithAux<A> of(SDVariable loss, A aux) {
    return new LossWithAux<>(loss, aux);
  }
}
