package org.pytree4j.processor;

/** Every diagnostic the processor can report; the tag starts the message. */
enum Diagnostics {
  /** {@code @PyTreeNode} on a class, interface, enum or annotation. */
  NOT_RECORD("PyTreeNotRecord"),
  /** {@code @Field} on a component of a record that is not {@code @PyTreeNode}. */
  FIELD_OUTSIDE_NODE("PyTreeFieldOutsideNode"),
  /** The companion (same package) cannot see the record: private, or inside a private or local class. */
  NOT_ACCESSIBLE("PyTreeNotAccessible"),
  /** A component's name collides with a generated method. */
  NAME_CLASH("PyTreeNameClash"),
  /** A component's type never became defined, not even by another processor's output. */
  UNDEFINED("PyTreeUndefined"),
  /** The record implements its {@code With} interface with the wrong type arguments. */
  WITH_ARGUMENTS("PyTreeWithArguments"),
  /**
   * The record does not implement its generated {@code With} interface (a warning; silenced by
   * {@code @PyTreeNode(withInterface = false)}).
   */
  MISSING_WITH("PyTreeMissingWith"),
  /**
   * A static component holds arrays, INDArrays or a pytree, which the optimizer then never sees (a
   * warning; silenced by {@code @Field(pytreeNode = false, frozen = true)}).
   */
  STATIC_PARAMS("PyTreeStaticParams"),
  /** A record that looks like a train state but lacks a part or gives one the wrong kind. */
  TRAIN_STATE("PyTreeTrainState"),
  /** The processor failed unexpectedly; a bug in pytree4j. */
  CRASH("PyTreeCrash");

  private final String tag;

  Diagnostics(String tag) {
    this.tag = tag;
  }

  String tag() {
    return tag;
  }

  String format(String format, Object... args) {
    return "[" + tag + "] " + String.format(format, args);
  }
}
