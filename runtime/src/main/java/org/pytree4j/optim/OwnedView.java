package org.pytree4j.optim;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.nativeblas.OpaqueDataBuffer;

/**
 * The Java object of a native view that a {@link NativeViews.Owned} owns. ND4J changes a native view
 * only through these methods (closing a buffer, growing or re-pointing it); each tells the owner that
 * this view is no longer fit to be reused, then does what ND4J's own does.
 */
final class OwnedView extends OpaqueDataBuffer {
  private final NativeViews.Owned owner;
  private final int index;

  OwnedView(Pointer view, NativeViews.Owned owner, int index) {
    super(view);
    this.owner = owner;
    this.index = index;
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
}
