package org.pytree4j.serialization;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The numpy dtypes that Flax's msgpack format names ({@code arr.dtype.name}), and the ND4J data type
 * each maps to. Complex dtypes have no ND4J counterpart: they are read only as scalars ({@link Complex}).
 */
enum NumpyDtype {
  FLOAT32("float32", DataType.FLOAT, 4),
  FLOAT64("float64", DataType.DOUBLE, 8),
  FLOAT16("float16", DataType.HALF, 2),
  BFLOAT16("bfloat16", DataType.BFLOAT16, 2),
  INT8("int8", DataType.BYTE, 1),
  INT16("int16", DataType.SHORT, 2),
  INT32("int32", DataType.INT, 4),
  INT64("int64", DataType.LONG, 8),
  UINT8("uint8", DataType.UBYTE, 1),
  UINT16("uint16", DataType.UINT16, 2),
  UINT32("uint32", DataType.UINT32, 4),
  UINT64("uint64", DataType.UINT64, 8),
  BOOL("bool", DataType.BOOL, 1),
  COMPLEX64("complex64", null, 8),
  COMPLEX128("complex128", null, 16);

  private static final Map<String, NumpyDtype> BY_NAME = new HashMap<>();
  private static final Map<DataType, NumpyDtype> BY_DATA_TYPE = new HashMap<>();

  static {
    for (NumpyDtype dtype : values()) {
      BY_NAME.put(dtype.numpyName, dtype);
      if (dtype.dataType != null) {
        BY_DATA_TYPE.put(dtype.dataType, dtype);
      }
    }
  }

  final String numpyName;
  final DataType dataType;
  final int itemSize;

  NumpyDtype(String numpyName, DataType dataType, int itemSize) {
    this.numpyName = numpyName;
    this.dataType = dataType;
    this.itemSize = itemSize;
  }

  /** The dtype with this numpy name, or null. */
  static NumpyDtype byName(String name) {
    return BY_NAME.get(name);
  }

  /** The dtype of an ND4J data type, or null for types numpy has no name for (UTF8, COMPRESSED ...). */
  static NumpyDtype of(DataType dataType) {
    return BY_DATA_TYPE.get(dataType);
  }

  boolean isComplex() {
    return dataType == null;
  }

  boolean isFloating() {
    return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
  }

  /** The names a reader accepts, for error messages. */
  static String supportedNames() {
    StringBuilder sb = new StringBuilder();
    for (NumpyDtype dtype : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(dtype.numpyName);
    }
    return sb.toString();
  }
}
