package org.pytree4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Per-component options of a {@link PyTreeNode} record, like Flax's {@code struct.field}.
 *
 * <p>{@code @Field(pytreeNode = false)} makes a component static: it is kept in the tree structure
 * ({@link TreeDef}) and compared with {@code equals}, so two trees that differ only in a static value
 * have different structures; it is never a leaf, so {@code map}, the optimizers and serialization do
 * not see it. Use it for functions, optimizers, activation names and other configuration.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Field {
  /** Whether the component is a pytree child (true, the default) or static structure (false). */
  boolean pytreeNode() default true;

  /**
   * Says that a static component holding arrays, {@code INDArray}s or a pytree is meant to be static:
   * frozen weights, a constant mask. Without it the processor warns ({@code [PyTreeStaticParams]}),
   * because such a component is usually params that were meant to be trained, and the optimizer
   * never sees static data. Only for {@code pytreeNode = false}.
   */
  boolean frozen() default false;
}
