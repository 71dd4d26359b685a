package org.pytree4j.optim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The leaf arrays a fused step makes behave exactly like arrays ND4J makes itself. */
class ArrayShellsTest {
  private static final ArrayShells SHELLS = new ArrayShells();


  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of((Object) new long[] {}),
        Arguments.of((Object) new long[] {7}),
        Arguments.of((Object) new long[] {2, 3}),
        Arguments.of((Object) new long[] {1, 4}),
        Arguments.of((Object) new long[] {2, 3, 4}));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void aShellIsLikeAnOrdinaryArrayOfItsShape(long[] shape) {
    INDArray ordinary = Nd4j.rand(DataType.FLOAT, shape).addi(0.5f);
    ArrayShells.ShapeInfo info = SHELLS.float32(shape);
    INDArray shell = ArrayShells.wrap(ordinary.dup('c').data(), info);

    assertEquals(ordinary.getClass(), shell.getClass());
    assertArrayEquals(ordinary.shape(), shell.shape());
    assertArrayEquals(ordinary.stride(), shell.stride());
    assertArrayEquals(ordinary.shapeInfoJava(), shell.shapeInfoJava());
    assertEquals(ordinary.ordering(), shell.ordering());
    assertEquals(ordinary.rank(), shell.rank());
    assertEquals(ordinary.length(), shell.length());
    assertEquals(ordinary.isView(), shell.isView());
    assertEquals(ordinary.isScalar(), shell.isScalar());
    assertEquals(ordinary.isVector(), shell.isVector());
    assertEquals(ordinary.isMatrix(), shell.isMatrix());
    assertEquals(ordinary.elementWiseStride(), shell.elementWiseStride());
    assertEquals(ordinary, shell);
    assertEquals(ordinary.toString(), shell.toString());
    // native ops, reductions, copies and views see the same array
    assertEquals(ordinary.mul(3f).add(1f), shell.mul(3f).add(1f));
    assertEquals(ordinary.sumNumber().floatValue(), shell.sumNumber().floatValue());
    assertEquals(ordinary.dup('f'), shell.dup('f'));
    assertEquals(ordinary.reshape(ordinary.length()), shell.reshape(shell.length()));
    if (shape.length >= 2) {
      long last = shape[0] - 1;
      assertEquals(ordinary.slice(last), shell.slice(last));
      assertEquals(ordinary.swapAxes(0, shape.length - 1).dup('c'), shell.swapAxes(0, shape.length - 1).dup('c'));
    }
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void writesThroughAShellReachItsBuffer(long[] shape) {
    INDArray target = Nd4j.zeros(DataType.FLOAT, shape);
    INDArray shell = ArrayShells.wrap(target.data(), SHELLS.float32(shape));
    shell.addi(2f);
    assertEquals(Nd4j.zeros(DataType.FLOAT, shape).addi(2f), target);
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void shellsOfOneShapeShareItsDescriptors(long[] shape) {
    ArrayShells.ShapeInfo info = SHELLS.float32(shape);
    INDArray a = ArrayShells.wrap(Nd4j.zeros(DataType.FLOAT, shape).data(), info);
    INDArray b = ArrayShells.wrap(Nd4j.ones(DataType.FLOAT, shape).data(), info);
    assertSame(info.buffer(), a.shapeInfoDataBuffer());
    assertSame(a.shapeInfoDataBuffer(), b.shapeInfoDataBuffer());
    // the cheap way (no descriptor decoded per array) is the one in use on this backend, unless the
    // engine keeps to ND4J's public API (its constructor decodes the descriptor per array)
    if (Nd4jInternals.ALLOWED) {
      assertSame(a.shape(), b.shape(), "shells share the immutable Java view of their descriptor");
    }
  }

  @Test
  void shellsAreNumberedLikeOrdinaryArraysWithoutSharingAnId() {
    ArrayShells.ShapeInfo info = SHELLS.float32(new long[] {3});
    DataBuffer buffer = Nd4j.zeros(DataType.FLOAT, 3).data();
    INDArray before = Nd4j.zeros(DataType.FLOAT, 3);
    ArrayShells.Maker first = ArrayShells.maker(2);
    ArrayShells.Maker second = ArrayShells.maker(2);
    List<INDArray> shells = List.of(first.wrap(buffer, info), second.wrap(buffer, info), first.wrap(buffer, info),
        second.wrap(buffer, info));
    INDArray after = Nd4j.zeros(DataType.FLOAT, 3);
    Set<Long> ids = new HashSet<>();
    for (INDArray shell : shells) {
      assertTrue(ids.add(shell.getId()), "ids are unique: " + shell.getId());
      assertTrue(shell.getId() > before.getId() && shell.getId() < after.getId(), "ids come from ND4J's counter");
      // what the constructor would have set
      assertEquals(before.closeable(), shell.closeable());
      assertEquals(before.isCompressed(), shell.isCompressed());
      assertFalse(shell.wasClosed());
    }
    shells.get(0).close();
    assertTrue(shells.get(0).wasClosed());
  }
}
