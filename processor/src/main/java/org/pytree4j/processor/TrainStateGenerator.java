package org.pytree4j.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.lang.model.element.Modifier;

/**
 * Flax's {@code TrainState.create} and {@code apply_gradients} for a train-state record. The
 * optimizer work itself lives in the runtime ({@code TrainStates}); the generated code only wires the
 * record's components to it.
 */
final class TrainStateGenerator {
  private TrainStateGenerator() {}

  /** {@code create(applyFn, params, tx, extras...)}: step 0 and {@code optState = tx.init(params)}. */
  static MethodSpec create(RecordModel model) {
    TrainStateModel ts = model.trainState();
    MethodSpec.Builder create = MethodSpec.methodBuilder("create")
        .addJavadoc("A new train state: step 0, {@code optState = tx.init(params)}, as Flax's"
            + " {@code TrainState.create(apply_fn=, params=, tx=, **kwargs)}.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addTypeVariables(model.typeVariables())
        .returns(model.recordType())
        .addParameter(ts.applyFn().typeName(), ts.applyFn().name())
        .addParameter(ts.params().typeName(), ts.params().name())
        .addParameter(ts.tx().typeName(), ts.tx().name());
    for (ComponentModel extra : ts.extras()) {
      create.addParameter(extra.typeName(), extra.name());
    }
    List<CodeBlock> args = new ArrayList<>();
    for (ComponentModel c : model.components()) {
      if (c == ts.step()) {
        args.add(CodeBlock.of(TrainStateModel.isLong(c.type()) ? "0L" : "0"));
      } else if (c == ts.optState()) {
        args.add(CodeBlock.of("$T.init($N, $N)", RuntimeNames.TRAIN_STATES, ts.tx().name(), ts.params().name()));
      } else {
        args.add(CodeBlock.of("$N", c.name()));
      }
    }
    return create.addStatement("return new $T($L)", model.recordType(), CompanionGenerator.argumentList(args)).build();
  }

  /** {@code applyGradients(grads)}. */
  static MethodSpec applyGradients(RecordModel model) {
    TrainStateModel ts = model.trainState();
    return MethodSpec.methodBuilder("applyGradients")
        .addJavadoc("One optimizer step, as Flax's {@code apply_gradients(grads=grads)}: {@code tx.update},"
            + " {@code applyUpdates}, {@code step + 1}.\nThis state is unchanged.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.DEFAULT)
        .returns(model.recordType())
        .addParameter(ts.params().typeName(), "grads")
        .addStatement("return applyGradients(grads, builder -> { })")
        .build();
  }

  /** {@code applyGradientsDonating(grads)}. */
  static MethodSpec applyGradientsDonating(RecordModel model) {
    TrainStateModel ts = model.trainState();
    return MethodSpec.methodBuilder("applyGradientsDonating")
        .addJavadoc("{@code applyGradients(grads)}, donating this state's params and optimizer state to the result,\n"
            + "as JAX's {@code donate_argnums}: the new values may be written over their memory.\n"
            + "Afterwards this state's params and optimizer arrays must not be used (reading one throws).\n")
        .addModifiers(Modifier.PUBLIC, Modifier.DEFAULT)
        .returns(model.recordType())
        .addParameter(ts.params().typeName(), "grads")
        .addStatement("return applyGradientsDonating(grads, builder -> { })")
        .build();
  }

  /** {@code applyGradientsDonating(grads, b -> b.batchStats(..))}. */
  static MethodSpec applyGradientsDonatingWithChanges(RecordModel model) {
    return applyGradientsWith(model, "applyGradientsDonating", CodeBlock.of(
        "{@code applyGradients(grads, changes)}, donating this state's params and optimizer state to the\n"
            + "result, as {@code applyGradientsDonating(grads)} does.\n"));
  }

  /** {@code applyGradients(grads, b -> b.batchStats(..))}. */
  static MethodSpec applyGradientsWithChanges(RecordModel model) {
    TrainStateModel ts = model.trainState();
    return applyGradientsWith(model, "applyGradients", CodeBlock.of("One optimizer step with further changes, as Flax's"
            + " {@code apply_gradients(grads=grads, **kwargs)}:\n{@code applyGradients(grads, b -> b.$N(..))}."
            + " This state is unchanged.\n",
        ts.extras().isEmpty() ? ts.params().name() : ts.extras().get(0).name()));
  }

  /** {@code name(grads, changes)}: {@code TrainStates.name(tx, params, optState, grads)}, step + 1, the changes. */
  private static MethodSpec applyGradientsWith(RecordModel model, String name, CodeBlock javadoc) {
    TrainStateModel ts = model.trainState();
    TypeName changes = ParameterizedTypeName.get(
        ClassName.get(Consumer.class), WildcardTypeName.supertypeOf(model.builderType()));
    TypeName applied = ParameterizedTypeName.get(RuntimeNames.TRAIN_STATES_APPLIED, ts.params().typeName().box());
    return MethodSpec.methodBuilder(name)
        .addJavadoc(javadoc)
        .addModifiers(Modifier.PUBLIC, Modifier.DEFAULT)
        .returns(model.recordType())
        .addParameter(ts.params().typeName(), "grads")
        .addParameter(changes, "changes")
        .addStatement("$T applied = $T.$N($N(),$W$N(),$W$N(),$Wgrads)", applied, RuntimeNames.TRAIN_STATES,
            name, ts.tx().name(), ts.params().name(), ts.optState().name())
        .addStatement("$T builder = toBuilder()", model.builderType())
        .addStatement("builder.$N($T.nextStep($N()))", ts.step().name(), RuntimeNames.TRAIN_STATES, ts.step().name())
        .addStatement("builder.$N(applied.params())", ts.params().name())
        .addStatement("builder.$N(applied.optState())", ts.optState().name())
        .addStatement("changes.accept(builder)")
        .addStatement("return builder.build()")
        .build();
  }
}
