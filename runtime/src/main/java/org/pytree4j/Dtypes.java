package org.pytree4j;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/** numpy's names for ND4J data types, as every message and format in pytree4j prints them. */
public final class Dtypes {
  private Dtypes() {}

  /** {@code float32}, {@code bfloat16}, {@code int64} ...; ND4J's own name, lower case, where numpy has none. */
  public static String numpyName(DataType type) {
    return switch (type) {
      case DOUBLE -> "float64";
      case FLOAT -> "float32";
      case HALF -> "float16";
      case BFLOAT16 -> "bfloat16";
      case LONG -> "int64";
      case INT -> "int32";
      case SHORT -> "int16";
      case BYTE -> "int8";
      case UBYTE -> "uint8";
      case UINT16 -> "uint16";
      case UINT32 -> "uint32";
      case UINT64 -> "uint64";
      case BOOL -> "bool";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }
}
