package org.pytree4j.optim.engine;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.OpaqueDataBuffer;

/**
 * The Java object of a native view that a {@link NativeViews.Owned} owns, and the native calls that
 * make and free such views. Everything here that names ND4J's native API ({@code nd4j-native-api},
 * which every native backend brings) stays in this class, which {@link NativeViews} loads only once
 * it knows that API is there.
 *
 * <p>ND4J changes a native view only through the methods overridden here (closing a buffer, growing
 * or re-pointing it); each tells the owner that this view is no longer fit to be reused, then does
 * what ND4J's own does.
 */
final class OwnedView extends OpaqueDataBuffer {
  private static final NativeOps OPS = NativeOpsHolder.getInstance().getDeviceNativeOps();
  private final NativeViews.Owned owner;
  private final int index;

  private OwnedView(long view, NativeViews.Owned owner, int index) {
    super(new Address(view));
    this.owner = owner;
    this.index = index;
  }

  /** The Java object of native view {@code view}, which {@code owner} holds as view {@code index}. */
  static Object of(long view, NativeViews.Owned owner, int index) {
    return new OwnedView(view, owner, index);
  }

  /** A new native view of {@code length} float32 elements at {@code pointer}; ND4J never frees that memory. */
  static long make(long length, Pointer pointer) {
    return OpaqueDataBuffer.externalizedDataBuffer(length, DataType.FLOAT, pointer, null).address();
  }

  /** Frees native view {@code view} (not the memory it is a view of). */
  static void delete(long view) {
    OPS.deleteDataBuffer(new OpaqueDataBuffer(new Address(view)));
  }

  @Override
  public void closeBuffer() {
    owner.spoil(index);
    super.closeBuffer();
  }

  @Override
  public void expand(long newLength) {
    owner.spoil(index);
    super.expand(newLength);
  }

  @Override
  public void setPrimaryBuffer(Pointer ptr, long numElements) {
    owner.spoil(index);
    super.setPrimaryBuffer(ptr, numElements);
  }

  @Override
  public void setSpecialBuffer(Pointer ptr, long numElements) {
    owner.spoil(index);
    super.setSpecialBuffer(ptr, numElements);
  }

  /** A pointer to a given address, to make a native view's Java object from. */
  private static final class Address extends Pointer {
    Address(long address) {
      this.address = address;
    }
  }
}
