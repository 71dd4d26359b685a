package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.ops.impl.transforms.same.Negative;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Traces a {@link GradPlan} from SameDiff's gradient graph: it runs the graph once, op by op, the way
 * SameDiff's {@code InferenceSession} does (same ops, same arguments, output shapes from each op's
 * shape function, output types from the graph's variables), and keeps what it did.
 *
 * <p>On the way it leaves out everything the requested outputs do not need: ops none of them depends
 * on (e.g. the gradient of the input placeholder), outputs of a backward op nobody reads
 * ({@link BackwardRewrites}), and ops whose inputs never change (they run once, here). The result of
 * every kept op is computed by the same native kernel with the same inputs as in SameDiff, so the
 * plan's results are bit-identical to {@code calculateGradients}.
 *
 * @throws UnsupportedPlanException for graphs a fixed plan cannot run (control flow, random ops, ops
 *     whose output shape depends on input values); the caller then uses SameDiff itself
 */
final class PlanBuilder {
  /** Ops whose output shape depends on the values of their inputs: a plan traced once cannot hold them. */
  private static final Set<String> VALUE_SHAPED = Set.of("where", "where_np", "unique", "unique_with_counts",
      "listdiff", "dynamic_partition", "non_max_suppression", "non_max_suppression_v3",
      "non_max_suppression_overlaps", "boolean_mask", "choose", "compat_string_split", "image_resize");

  /** Elements up to which {@code neg} runs in Java ({@link KernelStep#negate}), beyond libnd4j's. */
  private static final long NEGATE_IN_JAVA = 1 << 16;

  private final SameDiff graph;
  private final OpThreads threads;
  private final Map<String, PlanValue> values = new HashMap<>();
  private final Set<PlanValue> varying = new HashSet<>();
  private final Map<PlanValue, PlanValue> tanhOutputs = new HashMap<>();
  private final List<PlanStep> steps = new ArrayList<>();
  /** The last step added, when it is a bias add a following tanh may take into its pass; else null. */
  private BiasAdd lastBiasAdd;

  /** A bias add's step, its matrix and bias, and its sum. */
  private record BiasAdd(PlanStep step, String matrix, String bias, PlanValue sum) {}

  private PlanBuilder(SameDiff graph, OpThreads threads) {
    this.graph = graph;
    this.threads = threads;
  }

  /**
   * Runs {@code grad} (SameDiff's gradient function of {@code sd}) once on the given arrays and
   * returns the plan computing the loss and the gradient of every params leaf.
   */
  static GradPlan build(SameDiff sd, GraphInputs params, List<String> placeholderNames, String lossName,
      List<String> auxNames, List<INDArray> paramArrays, List<INDArray> placeholderArrays, OpThreads threads) {
    SameDiff grad = sd.getFunction("grad");
    PlanBuilder builder = new PlanBuilder(grad, threads);
    List<String> targets = new ArrayList<>();
    targets.add(lossName);
    List<String> gradNames = new ArrayList<>();
    for (InputLeaf leaf : params.leaves()) {
      SDVariable g = sd.getVariable(leaf.name()).getGradient();
      gradNames.add(g == null ? null : g.name());
      if (g != null) {
        targets.add(g.name());
      }
    }
    for (String name : auxNames) {
      if (!targets.contains(name)) {
        targets.add(name);
      }
    }
    List<String> paramNames = new ArrayList<>();
    for (InputLeaf leaf : params.leaves()) {
      paramNames.add(leaf.name());
    }
    List<PlanValue> paramValues = builder.inputs(paramNames, paramArrays);
    List<PlanValue> placeholderValues = builder.inputs(placeholderNames, placeholderArrays);
    builder.trace(targets);
    List<PlanValue> auxValues = new ArrayList<>();
    for (String name : auxNames) {
      PlanValue v = builder.values.get(name);
      if (v == null) {
        throw new UnsupportedPlanException("aux output " + name + " is not in the gradient graph");
      }
      auxValues.add(v);
    }
    List<PlanValue> gradValues = new ArrayList<>();
    for (String name : gradNames) {
      gradValues.add(name == null ? null : builder.values.get(name));
    }
    PlanValue loss = builder.values.get(lossName);
    return new GradPlan(builder.steps, paramValues, placeholderValues, loss, auxValues,
        new GradTargets(gradValues, params.leaves()), threads, builder.values);
  }

  private List<PlanValue> inputs(List<String> names, List<INDArray> arrays) {
    List<PlanValue> list = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!graph.hasVariable(name)) {
        list.add(null);   // a leaf the graph never uses
        continue;
      }
      PlanValue v = new PlanValue(name, arrays.get(i));
      values.put(name, v);
      varying.add(v);
      list.add(v);
    }
    return list;
  }

  private void trace(List<String> targets) {
    Map<String, SameDiffOp> ops = graph.getOps();
    Map<String, Variable> variables = graph.getVariables();
    // the ops the targets need, and which of their outputs are read
    Set<String> neededVars = new HashSet<>();
    Set<String> neededOps = new HashSet<>();
    List<String> todo = new ArrayList<>(targets);
    while (!todo.isEmpty()) {
      String name = todo.remove(todo.size() - 1);
      if (!neededVars.add(name)) {
        continue;
      }
      Variable v = variables.get(name);
      if (v == null) {
        throw new UnsupportedPlanException("no variable " + name + " in the gradient graph");
      }
      if (v.getControlDeps() != null && !v.getControlDeps().isEmpty()) {
        throw new UnsupportedPlanException("variable " + name + " has control dependencies");
      }
      String opName = v.getOutputOfOp();
      if (opName != null && neededOps.add(opName)) {
        SameDiffOp op = ops.get(opName);
        if (op.getControlDeps() != null && !op.getControlDeps().isEmpty()) {
          throw new UnsupportedPlanException("op " + opName + " has control dependencies");
        }
        if (op.getInputsToOp() != null) {
          todo.addAll(op.getInputsToOp());
        }
      }
    }
    for (String opName : topologicalOrder(ops, variables, neededOps)) {
      SameDiffOp op = ops.get(opName);
      List<String> inputs = op.getInputsToOp() == null ? List.of() : op.getInputsToOp();
      for (String in : inputs) {
        valueOf(in);
      }
      boolean[] needed = new boolean[op.getOutputsOfOp().size()];
      for (int i = 0; i < needed.length; i++) {
        needed[i] = neededVars.contains(op.getOutputsOfOp().get(i));
      }
      add(op, inputs, needed);
    }
  }

  /** Kahn's algorithm over the needed ops, ties broken by the graph's own op order. */
  private static List<String> topologicalOrder(Map<String, SameDiffOp> ops, Map<String, Variable> variables,
      Set<String> needed) {
    Map<String, Integer> position = new HashMap<>();
    int p = 0;
    for (String name : ops.keySet()) {
      position.put(name, p++);
    }
    Map<String, Integer> pending = new HashMap<>();
    Map<String, List<String>> consumers = new HashMap<>();
    for (String name : needed) {
      Set<String> producers = new HashSet<>();
      List<String> inputs = ops.get(name).getInputsToOp();
      for (String in : inputs == null ? List.<String>of() : inputs) {
        String producer = variables.get(in).getOutputOfOp();
        if (producer != null && needed.contains(producer)) {
          producers.add(producer);
        }
      }
      pending.put(name, producers.size());
      for (String producer : producers) {
        consumers.computeIfAbsent(producer, k -> new ArrayList<>()).add(name);
      }
    }
    PriorityQueue<String> ready = new PriorityQueue<>((a, b) -> Integer.compare(position.get(a), position.get(b)));
    pending.forEach((name, count) -> {
      if (count == 0) {
        ready.add(name);
      }
    });
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String name = ready.poll();
      order.add(name);
      for (String consumer : consumers.getOrDefault(name, List.of())) {
        if (pending.merge(consumer, -1, Integer::sum) == 0) {
          ready.add(consumer);
        }
      }
    }
    if (order.size() != needed.size()) {
      throw new UnsupportedPlanException("the gradient graph has a cycle");
    }
    return order;
  }

  /** The value of a variable: traced already, or a constant or a variable outside the params. */
  PlanValue valueOf(String name) {
    PlanValue v = values.get(name);
    if (v != null) {
      return v;
    }
    SDVariable variable = graph.getVariable(name);
    VariableType type = variable.getVariableType();
    if (type == VariableType.PLACEHOLDER) {
      throw new UnsupportedPlanException("placeholder " + name + " is not a leaf of the batch");
    }
    if (type != VariableType.CONSTANT && type != VariableType.VARIABLE) {
      throw new IllegalStateException("variable " + name + " is used before the op computing it");
    }
    INDArray array = graph.getArrForVarName(name);
    if (array == null) {
      throw new UnsupportedPlanException("variable " + name + " has no array");
    }
    v = new PlanValue(name, array);
    values.put(name, v);
    return v;
  }

  private void add(SameDiffOp sdOp, List<String> inputs, boolean[] needed) {
    DifferentialFunction op = sdOp.getOp();
    checkSupported(op, sdOp.getName());
    List<String> outputs = sdOp.getOutputsOfOp();
    if (op instanceof Identity) {
      values.put(outputs.get(0), values.get(inputs.get(0)));   // SameDiff passes the input through
      return;
    }
    if (BackwardRewrites.apply(this, op, inputs, outputs, needed)) {
      return;
    }
    INDArray[] in = inputArrays(inputs);
    OpContext context = Nd4j.getExecutioner().buildContext();
    List<LongShapeDescriptor> shapes;
    if (op instanceof CustomOp) {
      DynamicCustomOp custom = (DynamicCustomOp) op;
      context.setArgs(in, custom.iArgs(), custom.dArgs(), custom.tArgs(), custom.bArgs());
      shapes = custom.calculateOutputShape(context);
    } else if (op instanceof Op) {
      shapes = prepareLegacy(op, inputs, in, context);
    } else {
      throw new UnsupportedPlanException("op " + sdOp.getName() + " (" + op.getClass().getSimpleName() + ")");
    }
    if (shapes == null || shapes.size() != outputs.size()) {
      throw new UnsupportedPlanException("op " + sdOp.getName() + " gave " + (shapes == null ? 0 : shapes.size())
          + " output shapes for " + outputs.size() + " outputs");
    }
    INDArray[] out = new INDArray[outputs.size()];
    for (int i = 0; i < out.length; i++) {
      LongShapeDescriptor shape = shapes.get(i);
      DataType type = graph.getVariable(outputs.get(i)).dataType();
      if (type != null && type != shape.dataType()) {
        shape = shape.asDataType(type);   // as InferenceSession does: the variable's type wins
      }
      out[i] = allocate(shape);
    }
    if (op instanceof Op && addCustomReduction(sdOp.getName(), op, inputs, in, outputs, out)) {
      return;
    }
    boolean tanh = op instanceof org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
    BiasAdd biasAdd = tanh ? biasAddOf(inputs.get(0)) : null;
    if (tanh && biasAdd != null && javaTanh(in, out) && NativeTanh.AVAILABLE) {
      // the bias add's step is the last one, so no other step has read its sum yet: this one writes it
      steps.remove(steps.size() - 1);
      PlanValue sum = biasAdd.sum();
      PlanValue th = addKernel(v -> KernelStep.biasTanh(sdOp.getName() + " (bias add and tanh kernel)",
          values.get(biasAdd.matrix()), values.get(biasAdd.bias()), sum, v),
          List.of(biasAdd.matrix(), biasAdd.bias()), outputs.get(0), out[0]);
      sum.producedBy(th.producer());
    } else if (tanh && javaTanh(in, out)) {
      addKernel(v -> KernelStep.tanh(sdOp.getName() + " (tanh kernel)", values.get(inputs.get(0)), v), inputs,
          outputs.get(0), out[0]);
    } else if (op instanceof LogSoftMax logSoftmax && in.length == 1 && out.length == 1 && NativeLogSoftmax.AVAILABLE
        && NativeLogSoftmax.fits(in[0], logSoftmax.iArgs()) && KernelStep.fits(in[0], out[0])
        && Arrays.equals(in[0].shape(), out[0].shape())) {
      addKernel(v -> KernelStep.logSoftmax(sdOp.getName() + " (log_softmax kernel)", values.get(inputs.get(0)), v),
          inputs, outputs.get(0), out[0]);
    } else if (op instanceof Negative && in.length == 1 && out.length == 1 && in[0].length() == out[0].length()
        && in[0].length() <= NEGATE_IN_JAVA && KernelStep.fits(in[0], out[0])) {
      addKernel(v -> KernelStep.negate(sdOp.getName() + " (neg kernel)", values.get(inputs.get(0)), v), inputs,
          outputs.get(0), out[0]);
    } else {
      int before = steps.size();
      addStep(sdOp.getName(), op, context, inputs, in, outputs, out, work(op, in, out));
      lastBiasAdd = steps.size() > before && isBiasAdd(op, in, out)
          ? new BiasAdd(steps.get(steps.size() - 1), inputs.get(in[0].rank() == 2 ? 0 : 1),
              inputs.get(in[0].rank() == 2 ? 1 : 0), values.get(outputs.get(0)))
          : null;
    }
    if (tanh) {
      tanhOutputs.put(values.get(inputs.get(0)), values.get(outputs.get(0)));
    }
  }

  /**
   * The bias add computing {@code input}, if it is the plan's last step: then a tanh of it can run
   * as one kernel with it ({@link KernelStep#biasTanh}).
   */
  private BiasAdd biasAddOf(String input) {
    BiasAdd last = lastBiasAdd;
    return last != null && !steps.isEmpty() && steps.get(steps.size() - 1) == last.step()
        && values.get(input) == last.sum() ? last : null;
  }

  /** A float32 {@code add} of a c-ordered matrix and a vector of its width, either way round. */
  private static boolean isBiasAdd(DifferentialFunction op, INDArray[] in, INDArray[] out) {
    if (!(op instanceof CustomOp custom) || !custom.opName().equals("add") || in.length != 2 || out.length != 1) {
      return false;
    }
    INDArray matrix = in[0].rank() == 2 ? in[0] : in[1];
    INDArray bias = in[0].rank() == 2 ? in[1] : in[0];
    return matrix.rank() == 2 && bias.rank() == 1 && bias.length() == matrix.size(1)
        && matrix.dataType() == DataType.FLOAT && KernelStep.fits(matrix, bias, out[0])
        && Arrays.equals(matrix.shape(), out[0].shape());
  }

  /**
   * Whether a {@code tanh} runs as {@link KernelStep#tanh}: float32, contiguous, small enough that
   * libnd4j would run it on one thread, and on a machine where {@link FloatTanh} gives libnd4j's bits.
   */
  private boolean javaTanh(INDArray[] in, INDArray[] out) {
    return in.length == 1 && out.length == 1 && in[0].dataType() == DataType.FLOAT
        && in[0].length() == out[0].length() && KernelStep.fits(in[0], out[0])
        && threads.forWork(out[0].length()) == 1 && FloatTanh.agreesWithLibnd4j();
  }

  /**
   * Adds the custom op equivalent to a legacy reduction ({@link LegacyReductions}) as its step, if there
   * is one and it gives the legacy op's output shape and type; returns false otherwise.
   */
  private boolean addCustomReduction(String name, DifferentialFunction op, List<String> inputs, INDArray[] in,
      List<String> outputs, INDArray[] out) {
    if (in.length == 0 || out.length != 1) {
      return false;
    }
    DynamicCustomOp custom = LegacyReductions.customOf(op, in[0].rank());
    if (custom == null) {
      return false;
    }
    INDArray[] input = {in[0]};
    OpContext context = Nd4j.getExecutioner().buildContext();
    context.setArgs(input, custom.iArgs(), custom.dArgs(), custom.tArgs(), custom.bArgs());
    List<LongShapeDescriptor> shapes = custom.calculateOutputShape(context);
    if (shapes == null || shapes.size() != 1 || !Arrays.equals(shapes.get(0).getShape(), out[0].shape())
        || shapes.get(0).dataType() != out[0].dataType()) {
      return false;
    }
    addStep(name, custom, context, List.of(inputs.get(0)), input, outputs, out, work(custom, input, out));
    return true;
  }

  /** Legacy (non-custom) ops: the input and axis handling of {@code InferenceSession.getAndParameterizeOp}. */
  private List<LongShapeDescriptor> prepareLegacy(DifferentialFunction op, List<String> inputs, INDArray[] in,
      OpContext context) {
    boolean axisArg = false;
    if (op instanceof ReduceOp reduce && reduce.getOpType() != Op.Type.REDUCE3 && inputs.size() == 2) {
      PlanValue axis = values.get(inputs.get(1));
      if (varying.contains(axis)) {
        throw new UnsupportedPlanException("reduction " + op.getOwnName() + " along axes computed per call");
      }
      if (axis.array().isEmpty()) {
        throw new UnsupportedPlanException("reduction " + op.getOwnName() + " along empty axes");
      }
      op.setDimensions(Shape.normalizeAxis(in[0].rank(), axis.array().toIntVector()));
      ((BaseReduceOp) op).setEmptyReduce(false);
      axisArg = true;
    } else if (op instanceof ScalarOp scalar && inputs.size() == 2) {
      PlanValue value = values.get(inputs.get(1));
      if (varying.contains(value)) {
        throw new UnsupportedPlanException("scalar op " + op.getOwnName() + " with a scalar computed per call");
      }
      scalar.setScalar(value.array());
    }
    if (in.length > 0) {
      context.setInputArray(0, in[0]);
      if (in.length == 2 && !axisArg) {
        context.setInputArray(1, in[1]);
      }
    }
    return ((BaseOp) op).calculateOutputShape(context);
  }

  private static void checkSupported(DifferentialFunction op, String name) {
    String pkg = op.getClass().getPackageName();
    if (pkg.endsWith(".controlflow.compat") && !(op instanceof org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient)
        || pkg.contains(".shape.tensorops") || op instanceof org.nd4j.linalg.api.ops.RandomOp
        || op instanceof org.nd4j.linalg.api.ops.random.BaseRandomOp
        || VALUE_SHAPED.contains(opName(op))
        || op.getClass().getSimpleName().equals("Invoke") || op.getClass().getSimpleName().equals("ExternalErrorsFunction")
        || op.getClass().getSimpleName().equals("Assert") || op.getClass().getSimpleName().equals("CreateView")
        || op.getClass().getSimpleName().equals("GradientBackwardsMarker")
        || op.getClass().getSimpleName().startsWith("Random") || op.getClass().getSimpleName().contains("Dropout")) {
      throw new UnsupportedPlanException("op " + name + " (" + op.getClass().getSimpleName() + ")");
    }
  }

  private static String opName(DifferentialFunction op) {
    try {
      return op.opName();
    } catch (RuntimeException e) {
      return "";
    }
  }

  INDArray[] inputArrays(List<String> inputs) {
    INDArray[] in = new INDArray[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = values.get(inputs.get(i)).array();
    }
    return in;
  }

  PlanValue value(String name) {
    return values.get(name);
  }

  /** The value holding {@code tanh(x)} if the plan computes it, else null. */
  PlanValue tanhOf(PlanValue x) {
    return tanhOutputs.get(x);
  }

  /** Gives {@code name} the value {@code same} (an output equal to an input, bit for bit). */
  void alias(String name, PlanValue same) {
    values.put(name, same);
  }

  static INDArray allocate(LongShapeDescriptor shape) {
    if (shape.isEmpty()) {
      return Nd4j.create(shape);
    }
    return Nd4j.createUninitialized(shape.dataType(), shape.getShape(), shape.getOrder());
  }

  /**
   * Runs {@code op} once now (the trace) and keeps it as a step, unless none of its inputs changes
   * between calls: then its outputs are constants and the step is dropped.
   *
   * @param outputs the variable names of the outputs (a null name: an output nobody reads)
   */
  void addStep(String name, Object op, OpContext context, List<String> inputNames, INDArray[] in,
      List<String> outputs, INDArray[] out, long work) {
    context.setOutputArrays(out);
    if (op instanceof CustomOp) {
      context.shapeFunctionOverride(true);   // the outputs are preset: libnd4j skips its shape function
    }
    PlanStep step = new OpStep(name, op, context, threads.forWork(work));
    step.run();
    boolean varies = false;
    for (String input : inputNames) {
      varies |= varying.contains(values.get(input));
    }
    for (int i = 0; i < out.length; i++) {
      if (outputs.get(i) == null) {
        continue;
      }
      PlanValue v = new PlanValue(outputs.get(i), out[i]);
      values.put(outputs.get(i), v);
      if (varies) {
        v.producedBy(step);
        v.writtenBy(context, i);
        varying.add(v);
      }
    }
    if (!varies) {
      return;
    }
    for (int i = 0; i < inputNames.size(); i++) {
      values.get(inputNames.get(i)).readBy(context, i);
    }
    steps.add(step);
  }

  /**
   * Adds a step of the builder's own (a narrower replacement of a SameDiff op, {@link BackwardRewrites}):
   * the custom op {@code op} on the values of {@code inputNames}, with its one output, of type
   * {@code type}, named {@code outputName}.
   */
  PlanValue emitCustom(String stepName, DynamicCustomOp op, List<String> inputNames, long[] iArgs, String outputName,
      DataType type) {
    INDArray[] in = inputArrays(inputNames);
    OpContext context = Nd4j.getExecutioner().buildContext();
    context.setArgs(in, iArgs, new DataType[0], new double[0], new boolean[0]);
    LongShapeDescriptor shape = op.calculateOutputShape(context).get(0);
    if (type != null && type != shape.dataType()) {
      shape = shape.asDataType(type);
    }
    INDArray[] out = {allocate(shape)};
    addStep(stepName, op, context, inputNames, in, List.of(outputName), out, work(op, in, out));
    return values.get(outputName);
  }

  /** {@link #emitCustom} for a legacy op, whose output shape the caller gives. */
  PlanValue emitLegacy(String stepName, Op op, List<String> inputNames, long[] shape, String outputName, DataType type) {
    INDArray[] in = inputArrays(inputNames);
    OpContext context = Nd4j.getExecutioner().buildContext();
    for (int i = 0; i < in.length; i++) {
      context.setInputArray(i, in[i]);
    }
    INDArray[] out = {Nd4j.createUninitialized(type, shape, 'c')};
    addStep(stepName, op, context, inputNames, in, List.of(outputName), out, work(op, in, out));
    return values.get(outputName);
  }

  DataType typeOf(String variable) {
    return graph.getVariable(variable).dataType();
  }

  /**
   * Adds one of the plan's Java kernels writing a new array {@code out}, named {@code outputName}, from
   * the values of {@code inputNames}; like {@link #addStep}, it runs once now and is dropped if none of
   * its inputs changes between calls.
   */
  PlanValue addKernel(java.util.function.Function<PlanValue, KernelStep> kernel, List<String> inputNames,
      String outputName, INDArray out) {
    PlanValue v = new PlanValue(outputName, out);
    values.put(outputName, v);
    KernelStep step = kernel.apply(v);
    step.run();
    boolean varies = false;
    for (String input : inputNames) {
      varies |= varying.contains(values.get(input));
    }
    if (varies) {
      v.producedBy(step);
      varying.add(v);
      steps.add(step);
    }
    return v;
  }

  /**
   * Makes {@code step} also write the column sums of its output into {@code out}, the value named
   * {@code outputName} ({@link KernelStep.TanhBackward#alsoColumnSums}), and runs it again now (the
   * trace); null if the step cannot.
   */
  PlanValue addColumnSums(KernelStep.TanhBackward step, String outputName, INDArray out) {
    PlanValue v = new PlanValue(outputName, out);
    if (!step.alsoColumnSums(v)) {
      return null;
    }
    values.put(outputName, v);
    step.run();
    v.producedBy(step);
    varying.add(v);
    return v;
  }

  /** Elements written, or multiply-adds for a matrix product: what decides an op's thread count. */
  static long work(Object op, INDArray[] in, INDArray[] out) {
    long written = 0;
    for (INDArray o : out) {
      written = Math.max(written, o.length());
    }
    String name = op instanceof CustomOp c ? c.opName() : "";
    if (name.equals("matmul") || name.equals("matmul_bp")) {
      // m*k times k*n into m*n: sqrt(mk * kn * mn) = mnk multiply-adds
      return (long) Math.sqrt((double) in[0].length() * in[1].length() * written);
    }
    long read = 0;
    for (INDArray i : in) {
      read = Math.max(read, i.length());
    }
    return Math.max(written, read);
  }

  @Override
  public String toString() {
    return "PlanBuilder" + Arrays.toString(steps.toArray());
  }
}
