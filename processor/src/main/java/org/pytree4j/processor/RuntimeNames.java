package org.pytree4j.processor;

import com.palantir.javapoet.ClassName;

/**
 * The runtime types the generated code uses, named by string: the processor never loads the runtime
 * (or ND4J), so it runs on any compile classpath.
 */
final class RuntimeNames {
  private RuntimeNames() {}

  static final String PY_TREE_NODE = "org.pytree4j.PyTreeNode";
  static final String FIELD = "org.pytree4j.Field";
  /** {@code @PyTreeNode(withInterface = false)}: the record means to go without its {@code With}. */
  static final String WITH_INTERFACE = "withInterface";
  /** {@code @Field(pytreeNode = false)}: a static component. */
  static final String PYTREE_NODE = "pytreeNode";
  /** {@code @Field(pytreeNode = false, frozen = true)}: static arrays or pytrees, meant so. */
  static final String FROZEN = "frozen";
  static final String CUSTOM_NODE = "org.pytree4j.CustomNode";

  static final ClassName PY_TREE_RECORD = ClassName.get("org.pytree4j", "PyTreeRecord");
  static final ClassName RECORD_NODE_TYPE = ClassName.get("org.pytree4j", "RecordNodeType");
  static final ClassName PY_TREES = ClassName.get("org.pytree4j", "PyTrees");
  static final ClassName TREE_DEF = ClassName.get("org.pytree4j", "TreeDef");
  static final ClassName FLATTENED = ClassName.get("org.pytree4j", "Flattened");
  static final ClassName FLATTENED_WITH_PATH = ClassName.get("org.pytree4j", "FlattenedWithPath");

  static final String GRADIENT_TRANSFORMATION = "org.pytree4j.optim.GradientTransformation";
  static final String OPT_STATE = "org.pytree4j.optim.OptState";
  static final ClassName TRAIN_STATES = ClassName.get("org.pytree4j.train", "TrainStates");
  static final ClassName TRAIN_STATES_APPLIED = TRAIN_STATES.nestedClass("Applied");

  static final String INDARRAY = "org.nd4j.linalg.api.ndarray.INDArray";
}
