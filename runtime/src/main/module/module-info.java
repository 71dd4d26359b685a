/**
 * pytree4j's runtime: pytrees, Optax's transformations, train states, gradients, serialization and
 * checkpoints. The optimizer's step engine ({@code org.pytree4j.optim.engine}) and its kernels
 * ({@code org.pytree4j.optim.kernels}) are internal; {@code org.pytree4j.optim.StepEngine} is their
 * public face.
 */
module org.pytree4j.runtime {
  requires transitive nd4j.api;
  requires nd4j.common;
  requires org.bytedeco.javacpp;
  requires msgpack.core;
  requires java.management;
  requires jdk.management;
  requires jdk.unsupported;
  requires static nd4j.cpu.api;
  requires static jdk.incubator.vector;

  exports org.pytree4j;
  exports org.pytree4j.checkpoint;
  exports org.pytree4j.grad;
  exports org.pytree4j.nn;
  exports org.pytree4j.optim;
  exports org.pytree4j.optim.schedule;
  exports org.pytree4j.parallel;
  exports org.pytree4j.random;
  exports org.pytree4j.serialization;
  exports org.pytree4j.train;
}
