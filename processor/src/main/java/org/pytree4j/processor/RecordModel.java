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
 * @param withInterface how the record relates to its generated {@code With} interface, as far as this
 *     round can tell (ecj leaves a generic {@code With} that is not generated yet out of the record's
 *     interfaces, so {@code MISSING} is checked again in the next round)
 * @param withInterfaceExpected false for {@code @PyTreeNode(withInterface = false)}
 * @param suppressedWarnings what the companion suppresses: {@code deprecation}, {@code removal}
 * @param packageShadowsJavaLang simple names of types in the record's package that are also the names
 *     of {@code java.lang} types ({@code Override}, {@code String}): the companion qualifies both
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
    boolean withInterfaceExpected,
    List<String> suppressedWarnings,
    List<String> packageShadowsJavaLang,
    TrainStateModel trainState) {

  /** Whether and how the record declares {@code implements XPyTree.With}. */
  enum WithClause {
    /** It does, with type arguments matching its own type parameters. */
    IMPLEMENTED,
    /** It does not: the record still gets its companion, and a warning unless it opted out. */
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
    return implementsClause(companion, typeVariables.stream().map(v -> v.name()).toList());
  }

  static String implementsClause(ClassName companion, List<String> typeVariables) {
    String args = typeVariables.isEmpty() ? "" : "<" + String.join(", ", typeVariables) + ">";
    return "implements " + companion.simpleName() + ".With" + args;
  }

  private TypeName parameterized(ClassName name) {
    return typeVariables.isEmpty()
        ? name
        : com.palantir.javapoet.ParameterizedTypeName.get(name, typeVariables.toArray(new TypeName[0]));
  }
}
