package org.pytree4j.parallel;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/** What arrives from the left neighbour of a ring, into one buffer or more. */
interface RingReceiver {
  ByteBuffer buffer();

  void received();

  boolean done();

  /** Into one buffer. */
  final class Fixed implements RingReceiver {
    private final ByteBuffer target;

    Fixed(ByteBuffer target) {
      this.target = target;
    }

    @Override
    public ByteBuffer buffer() {
      return target;
    }

    @Override
    public void received() {}

    @Override
    public boolean done() {
      return !target.hasRemaining();
    }
  }

  /** Adds each element into {@code data} as soon as its bytes have arrived. */
  final class Adding implements RingReceiver {
    private final ByteBuffer incoming;
    private final ByteBuffer data;
    private final int dataOffset;
    private final DataType dtype;
    private final int width;
    private int added;

    Adding(ByteBuffer incoming, ByteBuffer data, int dataOffset, DataType dtype) {
      this.incoming = incoming;
      this.data = data;
      this.dataOffset = dataOffset;
      this.dtype = dtype;
      this.width = FloatKernels.bytesPer(dtype);
    }

    @Override
    public ByteBuffer buffer() {
      return incoming;
    }

    @Override
    public void received() {
      int complete = incoming.position() / width;
      if (complete > added) {
        FloatKernels.add(data, dataOffset + added * width, incoming, added * width, complete - added, dtype);
        added = complete;
      }
    }

    @Override
    public boolean done() {
      return !incoming.hasRemaining();
    }
  }

  /** A length-prefixed message. */
  final class Framed implements RingReceiver {
    private final ByteBuffer header = ByteBuffer.allocate(4);
    private ByteBuffer body;

    @Override
    public ByteBuffer buffer() {
      return body != null ? body : header;
    }

    @Override
    public void received() {
      if (body == null && !header.hasRemaining()) {
        int length = header.getInt(0);
        if (length < 0) {
          throw new CollectiveException("corrupt message from the ring: length " + length);
        }
        body = ByteBuffer.allocate(length);
      }
    }

    @Override
    public boolean done() {
      return body != null && !body.hasRemaining();
    }

    byte[] bytes() {
      return body.array();
    }
  }
}
