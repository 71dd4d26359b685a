package org.pytree4j.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.lang.model.element.Modifier;

/**
 * The {@code With} interface a record implements to get withers, {@code replace} and
 * {@code toBuilder} on itself (record-builder's pattern): each component's accessor is declared
 * abstract, so the record's own accessors implement it.
 */
final class WithInterfaceGenerator {
  private WithInterfaceGenerator() {}

  static TypeSpec generate(RecordModel model) {
    TypeSpec.Builder with = TypeSpec.interfaceBuilder("With")
        .addModifiers(Modifier.PUBLIC)
        .addTypeVariables(model.typeVariables())
        .addSuperinterface(RuntimeNames.PY_TREE_RECORD)
        .addJavadoc("Implemented by {@link $T}: {@code $L}.\n", model.rawRecordType(), model.implementsClause());
    for (ComponentModel c : model.components()) {
      with.addMethod(MethodSpec.methodBuilder(c.name())
          .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
          .returns(c.typeName())
          .build());
    }
    for (ComponentModel c : model.components()) {
      with.addMethod(wither(model, c));
    }
    for (ComponentModel c : model.components()) {
      if (!c.isPrimitive()) {
        with.addMethod(updater(model, c));
      }
    }
    with.addMethod(toBuilder(model));
    with.addMethod(replace(model));
    if (model.trainState() != null) {
      with.addMethod(TrainStateGenerator.applyGradients(model));
      with.addMethod(TrainStateGenerator.applyGradientsWithChanges(model));
      with.addMethod(TrainStateGenerator.applyGradientsDonating(model));
      with.addMethod(TrainStateGenerator.applyGradientsDonatingWithChanges(model));
    }
    with.addMethod(MethodSpec.methodBuilder("pyTreeNodeType")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC, Modifier.DEFAULT)
        .returns(CompanionGenerator.nodeTypeType(model))
        .addStatement("return NODE_TYPE")
        .build());
    return with.build();
  }

  private static MethodSpec wither(RecordModel model, ComponentModel changed) {
    CodeBlock.Builder args = CodeBlock.builder();
    for (ComponentModel c : model.components()) {
      if (!args.isEmpty()) {
        args.add(",$W");
      }
      args.add(c == changed ? CodeBlock.of("$N", c.name()) : c.accessorCall());
    }
    return MethodSpec.methodBuilder(changed.witherName())
        .addJavadoc("A copy with {@code $L} replaced; this record is unchanged.\n", changed.name())
        .addModifiers(Modifier.PUBLIC, Modifier.DEFAULT)
        .returns(model.recordType())
        .addParameter(changed.typeName(), changed.name())
        .addStatement("return new $T($L)", model.recordType(), args.build())
        .build();
  }

  /**
   * {@code updateParams(p -> p.withHidden(..))}: a nested replace, the component replaced by a function of
   * itself, so a deep field changes without rebuilding every level by hand.
   */
  private static MethodSpec updater(RecordModel model, ComponentModel changed) {
    TypeName update = ParameterizedTypeName.get(ClassName.get(UnaryOperator.class), changed.typeName());
    return MethodSpec.methodBuilder(changed.updaterName())
        .addJavadoc("A copy with {@code $L} replaced by {@code update} applied to it, a nested replace:\n"
            + "{@code $N(x -> x.with..(..))}. This record is unchanged.\n", changed.name(), changed.updaterName())
        .addModifiers(Modifier.PUBLIC, Modifier.DEFAULT)
        .returns(model.recordType())
        .addParameter(update, "update")
        .addStatement("return $N(update.apply($L))", changed.witherName(), changed.accessorCall())
        .build();
  }

  private static MethodSpec toBuilder(RecordModel model) {
    CodeBlock.Builder chain = CodeBlock.builder().add("return new $T()", model.builderType());
    for (ComponentModel c : model.components()) {
      chain.add("$Z.$N($L)", c.name(), c.accessorCall());
    }
    return MethodSpec.methodBuilder("toBuilder")
        .addJavadoc("A builder holding this record's components.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.DEFAULT)
        .returns(model.builderType())
        .addStatement(chain.build())
        .build();
  }

  private static MethodSpec replace(RecordModel model) {
    TypeName edits = ParameterizedTypeName.get(
        com.palantir.javapoet.ClassName.get(Consumer.class), WildcardTypeName.supertypeOf(model.builderType()));
    return MethodSpec.methodBuilder("replace")
        .addJavadoc("A copy with the components set by {@code edits} replaced, as Flax's"
            + " {@code replace(**kwargs)}:\n{@code replace(b -> b.$N(..))}. This record is unchanged.\n",
            model.components().isEmpty() ? "x" : model.components().get(0).name())
        .addModifiers(Modifier.PUBLIC, Modifier.DEFAULT)
        .returns(model.recordType())
        .addParameter(edits, "edits")
        .addStatement("$T builder = toBuilder()", model.builderType())
        .addStatement("edits.accept(builder)")
        .addStatement("return builder.build()")
        .build();
  }
}
