package org.pytree4j.serialization;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Seeded damage to valid Flax bytes, as a fuzz test needs it: truncations, bit flips, byte rewrites,
 * length headers rewritten to claim huge or wrong sizes (also inside ext payloads, where array data
 * lives), deep nesting of maps, lists and complex numbers wrapped around a value, and splices of
 * two inputs. The same seed always gives the same bytes.
 */
final class ByteMutator {
  /** Where a value starts in an input and how long its header is. */
  record Header(int offset, int length, MessageFormat format) {}

  private static final long[] SIZES = {
      0xffffffffL, 0x80000000L, 0x7fffffffL, 0x7ffffff0L, 1L << 30, 1L << 20, 65_535, 256, 17, 3, 1, 0};

  private ByteMutator() {}

  /** A damaged copy of {@code input}: one to three mutations chosen by {@code random}. */
  static byte[] mutate(byte[] input, byte[] other, SplittableRandom random) {
    byte[] bytes = input;
    int roll = random.nextInt(10);
    int count = roll < 6 ? 1 : roll < 9 ? 2 : 3;
    for (int i = 0; i < count; i++) {
      bytes = mutateOnce(bytes, other, random);
    }
    return bytes;
  }

  private static byte[] mutateOnce(byte[] bytes, byte[] other, SplittableRandom random) {
    int kind = random.nextInt(15);
    if (bytes.length == 0) {
      kind = 7;
    } else if (kind == 14) {
      return hugeArray(bytes, random);
    } else if (kind > 10) {
      kind = 10; // a quarter of the damage is to data, where the result is often still a valid state
    }
    return switch (kind) {
      case 0 -> Arrays.copyOf(bytes, random.nextInt(bytes.length));
      case 10 -> rewritePayload(bytes, random);
      case 1 -> flipBits(bytes, random);
      case 2 -> rewriteBytes(bytes, random);
      case 3, 4 -> rewriteHeader(bytes, random);
      case 5 -> nest(bytes, random);
      case 6 -> splice(bytes, other, random);
      case 7 -> insert(bytes, random);
      case 8 -> delete(bytes, random);
      default -> duplicate(bytes, random);
    };
  }

  private static byte[] flipBits(byte[] bytes, SplittableRandom random) {
    byte[] out = bytes.clone();
    for (int i = 1 + random.nextInt(8); i > 0; i--) {
      int at = random.nextInt(out.length);
      out[at] ^= (byte) (1 << random.nextInt(8));
    }
    return out;
  }

  private static byte[] rewriteBytes(byte[] bytes, SplittableRandom random) {
    byte[] out = bytes.clone();
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      out[random.nextInt(out.length)] = (byte) random.nextInt(256);
    }
    return out;
  }

  /** Rewrites bytes inside the payload of a str, bin or ext value: often still a valid state. */
  private static byte[] rewritePayload(byte[] bytes, SplittableRandom random) {
    List<Header> headers = headers(bytes);
    List<Header> payloads = new ArrayList<>();
    for (Header h : headers) {
      ValueType type = h.format().getValueType();
      if ((type == ValueType.BINARY || type == ValueType.STRING) && h.offset() + h.length() < bytes.length) {
        payloads.add(h);
      }
    }
    if (payloads.isEmpty()) {
      return rewriteBytes(bytes, random);
    }
    Header h = payloads.get(random.nextInt(payloads.size()));
    byte[] out = bytes.clone();
    int start = h.offset() + h.length();
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      out[start + random.nextInt(Math.min(16, out.length - start))] = (byte) random.nextInt(256);
    }
    return out;
  }

  /** Replaces the header of a value (anywhere, ext payloads included) with another header and size. */
  private static byte[] rewriteHeader(byte[] bytes, SplittableRandom random) {
    List<Header> headers = headers(bytes);
    if (headers.isEmpty()) {
      return rewriteBytes(bytes, random);
    }
    Header h = headers.get(random.nextInt(headers.size()));
    long size = random.nextInt(4) == 0 ? random.nextLong(0, 1L << 32) : SIZES[random.nextInt(SIZES.length)];
    byte[] replacement = header(random.nextInt(8), size, random);
    // keep the kind of value most of the time, so the damage reaches the code that reads it
    if (random.nextBoolean()) {
      replacement = sameKind(h.format(), size, random);
    }
    return splice(bytes, h.offset(), h.offset() + h.length(), replacement);
  }

  private static byte[] sameKind(MessageFormat format, long size, SplittableRandom random) {
    return switch (format.getValueType()) {
      case STRING -> header(0, size, random);
      case BINARY -> header(1, size, random);
      case EXTENSION -> header(2, size, random);
      case ARRAY -> header(3, size, random);
      case MAP -> header(4, size, random);
      default -> header(random.nextInt(8), size, random);
    };
  }

  /** A str32, bin32, ext32, array32 or map32 header (or 16-bit / 8-bit forms) claiming {@code size}. */
  private static byte[] header(int kind, long size, SplittableRandom random) {
    int code;
    switch (kind) {
      case 0 -> code = 0xdb;
      case 1 -> code = 0xc6;
      case 2 -> {
        byte[] ext = {(byte) 0xc9, 0, 0, 0, 0, (byte) (1 + random.nextInt(3))};
        put32(ext, 1, size);
        return ext;
      }
      case 3 -> code = 0xdd;
      case 4 -> code = 0xdf;
      case 5 -> {
        return new byte[] {(byte) 0xda, (byte) (size >>> 8), (byte) size}; // str16
      }
      case 6 -> {
        return new byte[] {(byte) 0xdc, (byte) (size >>> 8), (byte) size}; // array16
      }
      default -> {
        return new byte[] {(byte) 0xc4, (byte) size}; // bin8
      }
    }
    byte[] out = new byte[5];
    out[0] = (byte) code;
    put32(out, 1, size);
    return out;
  }

  private static void put32(byte[] out, int at, long value) {
    out[at] = (byte) (value >>> 24);
    out[at + 1] = (byte) (value >>> 16);
    out[at + 2] = (byte) (value >>> 8);
    out[at + 3] = (byte) value;
  }

  /**
   * Puts, where a value starts, an ndarray (ext 1) or numpy scalar array (ext 3) whose shape, dtype
   * and byte count agree on 128 MiB to 2 GiB, followed by what was there: a reader that allocates what
   * the header claims allocates it all before it finds the data missing.
   */
  private static byte[] hugeArray(byte[] bytes, SplittableRandom random) {
    List<Header> headers = headers(bytes);
    int at = headers.isEmpty() ? 0 : headers.get(random.nextInt(headers.size())).offset();
    long elements = (1L << (25 + random.nextInt(4))) - random.nextInt(64); // float32: 128 MiB to 2 GiB
    try (org.msgpack.core.MessageBufferPacker tuple = MessagePack.newDefaultBufferPacker()) {
      tuple.packArrayHeader(3).packArrayHeader(1).packLong(elements).packString("float32");
      tuple.packBinaryHeader((int) (elements * 4));
      byte[] prefix = tuple.toByteArray();
      try (org.msgpack.core.MessageBufferPacker ext = MessagePack.newDefaultBufferPacker()) {
        ext.packExtensionTypeHeader((byte) (random.nextBoolean() ? 1 : 3), prefix.length + (int) (elements * 4));
        ext.writePayload(prefix);
        return splice(bytes, at, at, ext.toByteArray());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Wraps a value in up to 5,000 levels of one-entry maps, one-item lists or complex numbers. */
  private static byte[] nest(byte[] bytes, SplittableRandom random) {
    List<Header> headers = headers(bytes);
    int at = headers.isEmpty() ? 0 : headers.get(random.nextInt(headers.size())).offset();
    int levels = random.nextInt(4) == 0 ? 500 + random.nextInt(4_500) : 1 + random.nextInt(1_100);
    int kind = random.nextInt(3);
    if (kind == 2) {
      return splice(bytes, at, at, complexPrefix(levels, random));
    }
    ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    for (int i = 0; i < levels; i++) {
      if (kind == 0) {
        prefix.write(0x81);
        prefix.write(0xa1);
        prefix.write('a');
      } else {
        prefix.write(0x91);
      }
    }
    return splice(bytes, at, at, prefix.toByteArray());
  }

  /**
   * The start of {@code levels} complex numbers nested in each other's real parts: ext32 headers whose
   * lengths are whatever the rest happens to be (often wrong, as in hostile input).
   */
  private static byte[] complexPrefix(int levels, SplittableRandom random) {
    ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    for (int i = 0; i < levels; i++) {
      byte[] ext = {(byte) 0xc9, 0, 0, 0, 0, 2, (byte) 0x92};
      put32(ext, 1, random.nextInt(1 << 20));
      prefix.write(ext, 0, ext.length);
    }
    return prefix.toByteArray();
  }

  private static byte[] splice(byte[] bytes, byte[] other, SplittableRandom random) {
    int cut = random.nextInt(bytes.length + 1);
    int from = random.nextInt(other.length + 1);
    return splice(Arrays.copyOf(bytes, cut), cut, cut, Arrays.copyOfRange(other, from, other.length));
  }

  private static byte[] insert(byte[] bytes, SplittableRandom random) {
    byte[] junk = new byte[1 + random.nextInt(16)];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) random.nextInt(256);
    }
    int at = random.nextInt(bytes.length + 1);
    return splice(bytes, at, at, junk);
  }

  private static byte[] delete(byte[] bytes, SplittableRandom random) {
    int from = random.nextInt(bytes.length);
    int to = Math.min(bytes.length, from + 1 + random.nextInt(32));
    return splice(bytes, from, to, new byte[0]);
  }

  private static byte[] duplicate(byte[] bytes, SplittableRandom random) {
    int from = random.nextInt(bytes.length);
    int to = Math.min(bytes.length, from + 1 + random.nextInt(64));
    int at = random.nextInt(bytes.length + 1);
    return splice(bytes, at, at, Arrays.copyOfRange(bytes, from, to));
  }

  /** {@code bytes} with {@code [from, to)} replaced by {@code replacement}. */
  static byte[] splice(byte[] bytes, int from, int to, byte[] replacement) {
    byte[] out = new byte[bytes.length - (to - from) + replacement.length];
    System.arraycopy(bytes, 0, out, 0, from);
    System.arraycopy(replacement, 0, out, from, replacement.length);
    System.arraycopy(bytes, to, out, from + replacement.length, bytes.length - to);
    return out;
  }

  /**
   * Every value header in {@code bytes} as far as it parses as msgpack, ext payloads included (the
   * array tuples of ext 1 and 3 and the pairs of ext 2 are msgpack too).
   */
  static List<Header> headers(byte[] bytes) {
    List<Header> out = new ArrayList<>();
    try {
      walk(bytes, 0, bytes.length, out);
    } catch (IOException | RuntimeException e) {
      // damaged input: the headers before the damage are still useful
    }
    return out;
  }

  private static void walk(byte[] bytes, int base, int length, List<Header> out) throws IOException {
    try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes, base, length)) {
      while (unpacker.hasNext() && out.size() < 100_000) {
        int start = (int) unpacker.getTotalReadBytes();
        MessageFormat format = unpacker.getNextFormat();
        ValueType type = format.getValueType();
        int payload = 0;
        switch (type) {
          case ARRAY -> unpacker.unpackArrayHeader();
          case MAP -> unpacker.unpackMapHeader();
          case EXTENSION -> payload = unpacker.unpackExtensionTypeHeader().getLength();
          case STRING -> payload = unpacker.unpackRawStringHeader();
          case BINARY -> payload = unpacker.unpackBinaryHeader();
          default -> unpacker.skipValue();
        }
        int end = (int) unpacker.getTotalReadBytes();
        out.add(new Header(base + start, end - start, format));
        if (payload < 0 || payload > length - end) {
          return; // a damaged size: nothing after it parses
        }
        if (type == ValueType.EXTENSION) {
          walk(bytes, base + end, payload, out);
        }
        skipBytes(unpacker, payload);
      }
    }
  }

  private static void skipBytes(MessageUnpacker unpacker, int n) throws IOException {
    if (n > 0) {
      unpacker.readPayload(new byte[n]); // n is within the input
    }
  }
}
