package org.pytree4j.checkpoint;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.pytree4j.KeyPath;
import org.pytree4j.serialization.Serialization;
import org.pytree4j.serialization.StateDecodingException;

/**
 * One checkpoint file: a 40-byte header, then the state as {@code flax.serialization.to_bytes} writes
 * it (so {@code data[40:]} is Flax msgpack).
 *
 * <pre>
 * offset size
 *      0    8  magic "PT4JCKPT"
 *      8    4  format version (1), little-endian like every number here
 *     12    4  flags (0)
 *     16    8  step
 *     24    8  payload length in bytes
 *     32    4  CRC32C of the payload
 *     36    4  CRC32C of bytes 0..35
 *     40       payload
 * </pre>
 */
final class CheckpointFile {
  static final int FORMAT_VERSION = 1;
  static final int HEADER_BYTES = 40;
  private static final byte[] MAGIC = "PT4JCKPT".getBytes(StandardCharsets.US_ASCII);
  private static final int BUFFER_BYTES = 1 << 20;

  private CheckpointFile() {}

  /** What a valid header says. */
  record Header(long step, long payloadLength, int payloadCrc) {}

  /** Writes a checkpoint's payload (Flax msgpack) to a stream. */
  interface Payload {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code state} to the new file {@code path} and forces it to disk. */
  static void write(Path path, Object state, long step) throws IOException {
    write(path, out -> Serialization.write(state, out), step);
  }

  /** Writes a checkpoint of {@code payload} to the new file {@code path} and forces it to disk. */
  static void write(Path path, Payload content, long step) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.position(HEADER_BYTES);
      ChecksummedOutputStream payload = new ChecksummedOutputStream(
          new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES));
      content.writeTo(payload);
      payload.flush();
      ByteBuffer header = header(step, payload.count, (int) payload.crc.getValue());
      while (header.hasRemaining()) {
        channel.write(header, header.position());
      }
      channel.force(true);
    }
  }

  private static ByteBuffer header(long step, long payloadLength, int payloadCrc) {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(FORMAT_VERSION).putInt(0).putLong(step).putLong(payloadLength).putInt(payloadCrc);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, HEADER_BYTES - 4);
    header.putInt((int) crc.getValue());
    return header.flip();
  }

  /** Reads and checks the header of an open checkpoint file, including that the file has its full length. */
  static Header readHeader(FileChannel channel, Path path, long expectedStep) throws IOException {
    long size = channel.size();
    if (size < HEADER_BYTES) {
      throw new CorruptCheckpointException(path, "the file has " + size + " bytes, less than its "
          + HEADER_BYTES + "-byte header (torn write)");
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    while (header.hasRemaining()) {
      if (channel.read(header, header.position()) < 0) {
        throw new CorruptCheckpointException(path, "the header is cut short");
      }
    }
    header.flip();
    byte[] magic = new byte[MAGIC.length];
    header.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptCheckpointException(path, "not a pytree4j checkpoint (bad magic bytes)");
    }
    int version = header.getInt();
    header.getInt(); // flags
    long step = header.getLong();
    long payloadLength = header.getLong();
    int payloadCrc = header.getInt();
    int headerCrc = header.getInt();
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, HEADER_BYTES - 4);
    if ((int) crc.getValue() != headerCrc) {
      throw new CorruptCheckpointException(path, "the header checksum does not match");
    }
    if (version > FORMAT_VERSION || version < 1) {
      throw new UnsupportedCheckpointFormatException(path, version, FORMAT_VERSION);
    }
    if (step != expectedStep) {
      throw new CorruptCheckpointException(path, "the header says step " + step + " but the file name step "
          + expectedStep);
    }
    if (payloadLength != size - HEADER_BYTES) {
      throw new CorruptCheckpointException(path, "the header promises " + payloadLength
          + " payload bytes but the file holds " + (size - HEADER_BYTES));
    }
    return new Header(step, payloadLength, payloadCrc);
  }

  /**
   * Restores the checkpoint at {@code path} into {@code target}: checks the header and the payload
   * checksum over the whole file first, then decodes and restores.
   */
  static <T> T read(Path path, long expectedStep, T target) throws IOException {
    return read(path, expectedStep, KeyPath.root(), target);
  }

  /** {@link #read(Path, long, Object)} of the subtree of the saved state at {@code subtree} only. */
  static <T> T read(Path path, long expectedStep, KeyPath subtree, T target) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      Header header = readHeader(channel, path, expectedStep);
      verifyPayload(channel, path, header);
      channel.position(HEADER_BYTES);
      try {
        return Serialization.read(target, new BufferedInputStream(Channels.newInputStream(channel), BUFFER_BYTES),
            header.payloadLength(), subtree);
      } catch (StateDecodingException e) {
        throw new CorruptCheckpointException(path, "its checksum matches but it is not a valid state: "
            + e.getMessage(), e);
      }
    }
  }

  private static void verifyPayload(FileChannel channel, Path path, Header header) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    long position = HEADER_BYTES;
    while (true) {
      buffer.clear();
      int read = channel.read(buffer, position);
      if (read < 0) {
        break;
      }
      buffer.flip();
      crc.update(buffer);
      position += read;
    }
    if (position - HEADER_BYTES != header.payloadLength() || (int) crc.getValue() != header.payloadCrc()) {
      throw new CorruptCheckpointException(path, "the payload checksum does not match (damaged or torn file)");
    }
  }

  /** Counts and checksums what passes through. */
  private static final class ChecksummedOutputStream extends FilterOutputStream {
    final CRC32C crc = new CRC32C();
    long count;

    ChecksummedOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      crc.update(b, off, len);
      count += len;
    }
  }
}
