package org.pytree4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record as a pytree node, like Flax's {@code @struct.dataclass}.
 *
 * <p>At build time the pytree4j processor generates a companion class {@code <Name>PyTree} (for a
 * nested record {@code Outer.Inner}: {@code Outer_InnerPyTree}) in the record's package. The companion
 * holds a {@code With} interface; a record that declares {@code implements <Name>PyTree.With} gets
 * withers, {@code replace}, {@code toBuilder} and, for train-state records, {@code applyGradients},
 * all with IDE completion:
 *
 * <pre>{@code
 * @PyTreeNode
 * public record Dense(INDArray kernel, INDArray bias) implements DensePyTree.With {}
 *
 * Dense d2 = dense.withBias(b0);                        // dataclasses.replace
 * Dense d3 = dense.replace(b -> b.kernel(k).bias(b0));  // flax struct .replace(**kw)
 * }</pre>
 *
 * <p>Components are pytree children in declaration order unless marked
 * {@code @Field(pytreeNode = false)}, which makes them static data: part of the tree structure,
 * never leaves.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PyTreeNode {
  /**
   * Whether the record declares {@code implements <Name>PyTree.With}. When it is true (the default)
   * and the clause is missing, the processor warns ({@code [PyTreeMissingWith]}) with the exact
   * clause to add: without it the withers, {@code replace} and {@code toBuilder} are not on the
   * record. Set false for a record that means to go without them; it is still a pytree node.
   */
  boolean withInterface() default true;
}
