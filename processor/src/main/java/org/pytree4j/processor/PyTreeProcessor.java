package org.pytree4j.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;

/**
 * Generates a pytree companion for every {@code @PyTreeNode} record: read a model, validate it,
 * generate from it. Each record is handled on its own; a record whose component types are not
 * defined yet is retried in the next round, and nothing a user writes can crash the compiler.
 */
@AutoService(Processor.class)
public final class PyTreeProcessor extends AbstractProcessor {
  private static final String GENERATED = "javax.annotation.processing.Generated";

  /** Records that referenced types not defined yet, to retry in the next round. */
  private final Set<String> deferred = new LinkedHashSet<>();

  /**
   * Records that got a companion without seeming to implement its {@code With}: checked again in the
   * next round, once the companion exists (ecj shows a generic {@code With} only then).
   */
  private final Map<String, WithCheck> withChecks = new LinkedHashMap<>();

  /** What the warning says: the clause to add, and what it brings. */
  private record WithCheck(String implementsClause, boolean trainState, String firstWither) {}

  private LocalTypes localTypes;

  @Override
  public synchronized void init(ProcessingEnvironment processingEnv) {
    super.init(processingEnv);
    localTypes = LocalTypes.create(processingEnv);
  }

  /**
   * pytree4j's annotations, and {@code @Generated}: the companions carry it, and under
   * {@code -Xlint:all} javac warns about every annotation no processor claims, which would fail a
   * {@code -Werror} build on generated code. No processor acts on {@code @Generated}, so claiming it
   * takes nothing from anyone.
   */
  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(RuntimeNames.PY_TREE_NODE, RuntimeNames.FIELD, GENERATED);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    ErrorReporter reporter = new ErrorReporter(processingEnv.getMessager(), processingEnv.getTypeUtils());
    checkWithClauses(reporter);
    List<TypeElement> retry = new ArrayList<>();
    for (String name : deferred) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        retry.add(type);
      }
    }
    deferred.clear();
    if (round.processingOver()) {
      reportUndefined(retry, reporter);
      return false;
    }
    TypeElement pyTreeNode = processingEnv.getElementUtils().getTypeElement(RuntimeNames.PY_TREE_NODE);
    TypeElement field = processingEnv.getElementUtils().getTypeElement(RuntimeNames.FIELD);
    List<TypeElement> records = new ArrayList<>(retry);
    if (pyTreeNode != null) {
      for (Element element : round.getElementsAnnotatedWith(pyTreeNode)) {
        if (element.getKind() != ElementKind.RECORD) {
          reporter.error(element, Diagnostics.NOT_RECORD,
              "@PyTreeNode applies to records only, but %s is %s. Declare it as a record:"
                  + " records are immutable and get equals/hashCode, which pytree nodes need",
              element.getSimpleName(), article(element.getKind()));
        } else {
          records.add((TypeElement) element);
        }
      }
    }
    if (field != null) {
      checkFieldPlacement(round.getElementsAnnotatedWith(field), reporter);
    }
    localTypes.check(round.getRootElements(), reporter);
    for (TypeElement record : records) {
      processRecord(record, reporter);
    }
    // Claiming the annotations keeps -Xlint:processing quiet for users.
    return true;
  }

  private void processRecord(TypeElement record, ErrorReporter reporter) {
    try {
      RecordModel model = new ModelReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils()).read(record);
      if (!new ModelValidator(processingEnv.getElementUtils(), processingEnv.getTypeUtils(), reporter).validate(model)) {
        return;
      }
      JavaFile file = CompanionGenerator.generate(model, generatedAnnotation());
      file.writeTo(processingEnv.getFiler());
      if (model.withInterface() == RecordModel.WithClause.MISSING && model.withInterfaceExpected()) {
        withChecks.put(Records.canonicalName(record), new WithCheck(model.implementsClause(),
            model.trainState() != null,
            model.components().isEmpty() ? "toBuilder()" : model.components().get(0).witherName() + "(..)"));
      }
    } catch (MissingTypes.MissingTypeException e) {
      deferred.add(Records.canonicalName(record));
    } catch (FilerException e) {
      // The Filer refuses a type name that a source file or another processor already declares.
      reporter.error(record, Diagnostics.NAME_CLASH,
          "Cannot generate %s, the companion of %s: a type of that name already exists (%s). Rename the"
              + " record or the other type",
          companionName(record), record.getSimpleName(), e.getMessage());
    } catch (IOException e) {
      reporter.error(record, Diagnostics.CRASH, "Could not write the companion of %s: %s", record.getSimpleName(), e);
    } catch (RuntimeException | Error e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      reporter.error(record, Diagnostics.CRASH,
          "The pytree4j processor failed on %s. This is a bug in pytree4j; please report it with this"
              + " record and the following trace:%n%s",
          record.getSimpleName(), trace);
    }
  }

  /**
   * The records of the previous round whose {@code With} clause was not seen: now that their companions
   * exist, a clause with the wrong type arguments is an error, and none at all a warning.
   */
  private void checkWithClauses(ErrorReporter reporter) {
    for (Map.Entry<String, WithCheck> entry : withChecks.entrySet()) {
      TypeElement record = processingEnv.getElementUtils().getTypeElement(entry.getKey());
      if (record == null) {
        continue;
      }
      WithCheck check = entry.getValue();
      switch (ModelReader.withClause(record)) {
        case WRONG_ARGUMENTS -> ModelValidator.reportWithArguments(reporter, record, check.implementsClause());
        case MISSING -> reporter.warning(record, Diagnostics.MISSING_WITH,
            "%s does not declare '%s', so %s are not on it (a call such as %s does not compile). Add the"
                + " clause, or write @PyTreeNode(withInterface = false) if %s is meant to go without them",
            record.getSimpleName(), check.implementsClause(),
            check.trainState() ? "withers, replace, toBuilder and applyGradients" : "withers, replace and toBuilder",
            check.firstWither(), record.getSimpleName());
        case IMPLEMENTED -> { }
        default -> throw new AssertionError();
      }
    }
    withChecks.clear();
  }

  private void checkFieldPlacement(Set<? extends Element> annotated, ErrorReporter reporter) {
    Set<Element> reported = new HashSet<>();
    for (Element element : annotated) {
      RecordComponentElement component = Records.componentOf(element);
      Element at = component != null ? component : element;
      Element owner = at.getEnclosingElement();
      boolean onNode = component != null && ModelReader.hasAnnotation(owner, RuntimeNames.PY_TREE_NODE);
      if (!onNode && reported.add(at)) {
        reporter.error(at, Diagnostics.FIELD_OUTSIDE_NODE,
            "@Field on '%s' has no effect: it applies to components of a @PyTreeNode record, and %s is not"
                + " one. Annotate %s with @PyTreeNode or remove @Field",
            at.getSimpleName(), owner == null ? "its owner" : owner.getSimpleName(),
            owner == null ? "the record" : owner.getSimpleName());
      }
    }
  }

  /** Records still deferred when processing ends: some component type was never defined. */
  private void reportUndefined(List<TypeElement> records, ErrorReporter reporter) {
    for (TypeElement record : records) {
      try {
        new ModelReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils()).read(record);
      } catch (MissingTypes.MissingTypeException e) {
        reporter.error(e.component(), Diagnostics.UNDEFINED,
            "Component '%s' of %s has type %s, which is not defined: no source declares it and no annotation"
                + " processor generated it. Check the import or the spelling",
            e.component().getSimpleName(), record.getSimpleName(), e.typeName());
      } catch (RuntimeException ignored) {
        reporter.error(record, Diagnostics.UNDEFINED, "%s refers to a type that was never defined",
            record.getSimpleName());
      }
    }
  }

  private static String companionName(TypeElement record) {
    return Naming.companion(ClassName.get(record)).canonicalName();
  }

  private AnnotationSpec generatedAnnotation() {
    if (processingEnv.getElementUtils().getTypeElement(GENERATED) == null) {
      return null;
    }
    return AnnotationSpec.builder(ClassName.bestGuess(GENERATED))
        .addMember("value", "$S", PyTreeProcessor.class.getName())
        .build();
  }

  private static String article(ElementKind kind) {
    return switch (kind) {
      case CLASS -> "a class";
      case INTERFACE -> "an interface";
      case ENUM -> "an enum";
      case ANNOTATION_TYPE -> "an annotation type";
      default -> "a " + kind.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
