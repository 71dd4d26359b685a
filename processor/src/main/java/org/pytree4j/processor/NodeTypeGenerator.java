package org.pytree4j.processor;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The record's {@code RecordNodeType}: moves components in and out of arrays with plain accessor and
 * constructor calls, so flatten and unflatten need no reflection.
 */
final class NodeTypeGenerator {
  private NodeTypeGenerator() {}

  private static final TypeName OBJECT_ARRAY = ArrayTypeName.of(ClassName.OBJECT);

  static TypeSpec generate(RecordModel model) {
    TypeName nodeRecord = CompanionGenerator.nodeRecordType(model);
    return TypeSpec.classBuilder("Node")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .superclass(CompanionGenerator.nodeTypeType(model))
        .addMethod(MethodSpec.constructorBuilder()
            .addStatement("super($T.class,$W$L,$W$L,$W$L)", model.rawRecordType(),
                names(model.children(), false), names(model.children(), true), names(model.statics(), false))
            .build())
        .addMethod(MethodSpec.methodBuilder("children")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(OBJECT_ARRAY)
            .addParameter(nodeRecord, "node")
            .addStatement("return $L", accessors(model.children()))
            .build())
        .addMethod(MethodSpec.methodBuilder("staticValues")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PROTECTED)
            .returns(OBJECT_ARRAY)
            .addParameter(nodeRecord, "node")
            .addStatement("return $L", accessors(model.statics()))
            .build())
        .addMethods(create(model, nodeRecord))
        .build();
  }

  /**
   * {@code create} calls the canonical constructor with each argument read by {@code child} or
   * {@code staticValue} under an explicit type witness, so that no other constructor of the record can
   * make the call ambiguous. A generic record is built in a generic helper, where its type variables
   * are in scope.
   */
  private static List<MethodSpec> create(RecordModel model, TypeName nodeRecord) {
    MethodSpec.Builder create = MethodSpec.methodBuilder("create")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(nodeRecord)
        .addParameter(OBJECT_ARRAY, "statics")
        .addParameter(OBJECT_ARRAY, "children");
    CodeBlock construct = CodeBlock.of("new $T($L)", model.recordType(), constructorArguments(model));
    if (!model.isGeneric()) {
      return List.of(create.addStatement("return $L", construct).build());
    }
    MethodSpec typed = MethodSpec.methodBuilder("createTyped")
        .addModifiers(Modifier.PRIVATE)
        .addTypeVariables(model.typeVariables())
        .returns(model.recordType())
        .addParameter(OBJECT_ARRAY, "statics")
        .addParameter(OBJECT_ARRAY, "children")
        .addStatement("return $L", construct)
        .build();
    return List.of(create.addStatement("return createTyped(statics, children)").build(), typed);
  }

  private static CodeBlock names(List<ComponentModel> components, boolean stateDictKeys) {
    CodeBlock.Builder list = CodeBlock.builder().add("$T.of(", List.class);
    for (int i = 0; i < components.size(); i++) {
      ComponentModel c = components.get(i);
      list.add(i == 0 ? "$S" : ",$W$S", stateDictKeys ? c.stateDictKey() : c.name());
    }
    return list.add(")").build();
  }

  private static CodeBlock accessors(List<ComponentModel> components) {
    if (components.isEmpty()) {
      return CodeBlock.of("new $T[0]", ClassName.OBJECT);
    }
    CodeBlock.Builder array = CodeBlock.builder().add("new $T[] {", ClassName.OBJECT);
    for (int i = 0; i < components.size(); i++) {
      array.add(i == 0 ? "node.$N()" : ",$Wnode.$N()", components.get(i).name());
    }
    return array.add("}").build();
  }

  private static CodeBlock constructorArguments(RecordModel model) {
    CodeBlock.Builder args = CodeBlock.builder();
    int child = 0;
    int stat = 0;
    for (ComponentModel c : model.components()) {
      if (!args.isEmpty()) {
        args.add(",$W");
      }
      TypeName erasure = c.erasure();
      if (erasure instanceof com.palantir.javapoet.ParameterizedTypeName p) {
        erasure = p.rawType();
      }
      TypeName witness = c.typeName().box();
      if (c.pytreeNode()) {
        args.add("this.<$T>child(children, $L, $T.class)", witness, child++, erasure);
      } else {
        args.add("this.<$T>staticValue(statics, $L, $T.class)", witness, stat++, erasure);
      }
    }
    return args.build();
  }

  static ClassName name(RecordModel model) {
    return model.companion().nestedClass("Node");
  }
}
