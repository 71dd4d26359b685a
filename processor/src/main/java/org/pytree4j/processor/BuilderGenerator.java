package org.pytree4j.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/** The companion's mutable {@code Builder}: one setter per component, and {@code build()}. */
final class BuilderGenerator {
  private BuilderGenerator() {}

  static TypeSpec generate(RecordModel model) {
    TypeSpec.Builder builder = TypeSpec.classBuilder("Builder")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addTypeVariables(model.typeVariables())
        .addJavadoc("Builds {@link $T} values; from {@link $T#builder()} or {@code toBuilder()}.\n",
            model.rawRecordType(), model.companion());
    for (ComponentModel c : model.components()) {
      builder.addField(FieldSpec.builder(c.typeName(), c.name(), Modifier.PRIVATE).build());
    }
    builder.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (ComponentModel c : model.components()) {
      builder.addMethod(MethodSpec.methodBuilder(c.name())
          .addModifiers(Modifier.PUBLIC)
          .returns(model.builderType())
          .addParameter(c.typeName(), c.name())
          .addStatement("this.$N = $N", c.name(), c.name())
          .addStatement("return this")
          .build());
    }
    CodeBlock.Builder args = CodeBlock.builder();
    for (ComponentModel c : model.components()) {
      if (!args.isEmpty()) {
        args.add(",$W");
      }
      args.add("$N", c.name());
    }
    builder.addMethod(MethodSpec.methodBuilder("build")
        .addModifiers(Modifier.PUBLIC)
        .returns(model.recordType())
        .addStatement("return new $T($L)", model.recordType(), args.build())
        .build());
    return builder.build();
  }
}
