package org.pytree4j.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.type.TypeMirror;

/**
 * One record component as the generator needs it.
 *
 * @param element the component, for diagnostics
 * @param name the component (and accessor) name
 * @param type its type as declared
 * @param typeName its type for generated code
 * @param erasure its erased type, for the runtime type check when rebuilding ({@code long}, {@code List})
 * @param pytreeNode true for a pytree child, false for static data ({@code @Field(pytreeNode = false)})
 * @param frozen {@code @Field(frozen = true)}: static arrays or pytrees that are meant to be static
 * @param stateDictKey its Python name in state dicts: {@code opt_state}
 */
record ComponentModel(
    RecordComponentElement element,
    String name,
    TypeMirror type,
    TypeName typeName,
    TypeName erasure,
    boolean pytreeNode,
    boolean frozen,
    String stateDictKey) {

  String witherName() {
    return Naming.witherName(name);
  }

  /** {@code kernel} -> {@code updateKernel}: the nested replace of {@code With}. */
  String updaterName() {
    return Naming.updaterName(name);
  }

  boolean isPrimitive() {
    return type.getKind().isPrimitive();
  }

  /**
   * A call of the accessor on {@code this} in the {@code With} interface: {@code kernel()}, but
   * {@code this.yield()}, since {@code yield} cannot be called unqualified.
   */
  CodeBlock accessorCall() {
    return CodeBlock.of(Naming.needsQualifiedCall(name) ? "this.$N()" : "$N()", name);
  }
}
