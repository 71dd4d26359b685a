package org.pytree4j.optim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's internals are used only on the ND4J version they were written against and unless the
 * system property turns them off; otherwise (the build runs the optimizer tests that way too)
 * nothing is written into ND4J's fields, and releasing and reading arrays goes through its public API.
 */
class Nd4jInternalsTest {
  private static final boolean TURNED_OFF = "false".equals(System.getProperty(Nd4jInternals.PROPERTY));

  @Test
  void theVersionInUseIsReadFromNd4jsOwnMetadata() {
    assertEquals(Nd4jInternals.ND4J_VERSION, Nd4jInternals.VERSION_IN_USE, "the build pins ND4J 1.0.0-M2.1");
  }

  @Test
  void theInternalsAreUsedExactlyWhenAllowed() {
    assertEquals(!TURNED_OFF, Nd4jInternals.ALLOWED, Nd4jInternals.describe());
    assertEquals(!TURNED_OFF, Nd4jInternals.ARRAYS, "array fields");
    assertEquals(!TURNED_OFF, Nd4jInternals.BUFFERS, "buffer fields");
    assertEquals(!TURNED_OFF, NativeViews.AVAILABLE, "leaf buffers owned by the pool");
    assertEquals(TURNED_OFF ? "constructor" : "allocated", ArrayShells.way(), "how leaf arrays are made");
    assertTrue(Nd4jInternals.describe().contains(TURNED_OFF ? "public API only" : "used"), Nd4jInternals.describe());
  }

  @Test
  void releasingAnArrayWorksEitherWay() {
    INDArray a = Nd4j.createFromArray(1f, 2f, 3f);
    assertFalse(Nd4jInternals.released((BaseNDArray) a));
    new Donation().release(a);
    assertTrue(Nd4jInternals.released((BaseNDArray) a) || a.wasClosed(), "released");
    assertTrue(a.wasClosed());
    INDArray b = Nd4j.create(DataType.FLOAT, 2);
    Nd4jInternals.setData(b, Nd4j.createFromArray(5f, 6f).data());
    Nd4jInternals.publish();
    assertEquals(6f, b.getFloat(1));
  }
}
