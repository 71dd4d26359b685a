package org.pytree4j.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * Everything the generator needs about one {@code @PyTreeNode} record: read once, validated, then
 * turned into a companion.
 *
 * @param element the record
 * @param recordType the record type as used in generated code ({@code TrainState<P>})
 * @param rawRecordType the record class ({@code TrainState})
 * @param typeVariables the record's type parameters, with bounds
 * @param companion the companion class ({@code TrainStatePyTree})
 * @param isPublic whether the companion is public (the record is visible outside its package)
 * @param components all components, in declaration order
 * @param withInterface how the record relates to its generated {@code With} interface
 * @param trainState the train-state roles, or null when the record is not a train state
 */
record RecordModel(
    TypeElement element,
    TypeName recordType,
    ClassName rawRecordType,
    List<TypeVariableName> typeVariables,
    ClassName companion,
    boolean isPublic,
    List<ComponentModel> components,
    WithClause withInterface,
    TrainStateModel trainState) {

  /** Whether and how the record declares {@code implements XPyTree.With}. */
  enum WithClause {
    /** It does, with type arguments matching its own type parameters. */
    IMPLEMENTED,
    /** It does not: the record still gets its companion, and a note. */
    MISSING,
    /** It does, with other type arguments. */
    WRONG_ARGUMENTS
  }

  ClassName withName() {
    return companion.nestedClass("With");
  }

  ClassName builderName() {
    return companion.nestedClass("Builder");
  }

  TypeName withType() {
    return parameterized(withName());
  }

  TypeName builderType() {
    return parameterized(builderName());
  }

  boolean isGeneric() {
    return !typeVariables.isEmpty();
  }

  List<ComponentModel> children() {
    return components.stream().filter(ComponentModel::pytreeNode).toList();
  }

  List<ComponentModel> statics() {
    return components.stream().filter(c -> !c.pytreeNode()).toList();
  }

  /** The clause users write: {@code implements TrainStatePyTree.With<P>}. */
  String implementsClause() {
    String args = typeVariables.isEmpty()
        ? ""
        : "<" + String.join(", ", typeVariables.stream().map(v -> v.name()).toList()) + ">";
    return "implements " + companion.simpleName() + ".With" + args;
  }

  private TypeName parameterized(ClassName name) {
    return typeVariables.isEmpty()
        ? name
        : com.palantir.javapoet.ParameterizedTypeName.get(name, typeVariables.toArray(new TypeName[0]));
  }
}
