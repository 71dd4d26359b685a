"""Flax's msgpack state format (flax/serialization.py), with only msgpack and numpy.

The interop tests cannot install Flax or JAX, so this module re-implements the rules of
flax.serialization.to_state_dict / msgpack_serialize / msgpack_restore as they are in
google/flax, flax/serialization.py at commit a8d5fca07c7c1a1479f7f84ff8ff16c74fd36f8a:

- to_state_dict: dicts keep their keys, in the dict's own (insertion) order; lists and tuples
  become {"0": .., "1": ..}; namedtuples (Optax states) become {field: ..}; anything else is a leaf.
- ndarrays: ext type 1 holding msgpack (shape, dtype.name, row-major bytes) packed with
  use_bin_type=True; numpy scalars: ext type 3 with the same payload of shape (); Python complex:
  ext type 2 holding (real, imag).
- arrays of more than MAX_CHUNK_SIZE bytes: {"__msgpack_chunked_array__": True,
  "shape": {"0": d0, ..}, "chunks": {"0": flat chunk, ..}}, chunks of MAX_CHUNK_SIZE // itemsize
  elements.
- the state dict itself: msgpack.packb(tree, default=ext_pack, strict_types=True); read back with
  raw=False.

numpy has no bfloat16 (JAX brings it through ml_dtypes), so bfloat16 arrays are BFloat16 objects
holding the raw 16-bit patterns.
"""

import msgpack
import numpy as np

EXT_NDARRAY = 1
EXT_NATIVE_COMPLEX = 2
EXT_NPSCALAR = 3
CHUNKED = "__msgpack_chunked_array__"

# flax.serialization.MAX_CHUNK_SIZE; tests lower it, as one can in Flax.
MAX_CHUNK_SIZE = 2 ** 30


class BFloat16:
    """A bfloat16 array: its shape and uint16 bit patterns (jnp.bfloat16 stand-in)."""

    itemsize = 2

    def __init__(self, values):
        as_f32 = np.asarray(values, dtype=np.float32)
        bits = as_f32.view(np.uint32)
        # round to nearest even, as ml_dtypes does for finite values
        rounded = bits + 0x7FFF + ((bits >> 16) & 1)
        self.bits = (rounded >> 16).astype(np.uint16)

    @classmethod
    def from_bits(cls, bits):
        obj = cls.__new__(cls)
        obj.bits = np.asarray(bits, dtype=np.uint16)
        return obj

    @property
    def shape(self):
        return self.bits.shape

    @property
    def size(self):
        return self.bits.size

    def to_float32(self):
        return (self.bits.astype(np.uint32) << 16).view(np.float32)

    def reshape(self, *shape):
        return BFloat16.from_bits(self.bits.reshape(*shape))

    def __getitem__(self, item):
        return BFloat16.from_bits(self.bits[item])


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def to_state_dict(x):
    if _is_namedtuple(x):
        return {name: to_state_dict(getattr(x, name)) for name in x._fields}
    if isinstance(x, (list, tuple)):
        return {str(i): to_state_dict(v) for i, v in enumerate(x)}
    if isinstance(x, dict):
        return {str(k): to_state_dict(v) for k, v in x.items()}
    return x


def from_state_dict(target, state, path="<root>"):
    """flax.serialization.from_state_dict for the trees the fixtures use, stricter than Flax: a
    namedtuple (an Optax state) needs exactly its fields, a list or tuple exactly its "0".."n-1", a
    dict exactly its keys; a leaf comes back as the state holds it, as in Flax."""
    if _is_namedtuple(target):
        if not isinstance(state, dict) or set(state) != set(target._fields):
            raise ValueError(f"{path}: {type(target).__name__} needs keys {list(target._fields)}, found "
                             f"{list(state) if isinstance(state, dict) else type(state).__name__}")
        return type(target)(**{f: from_state_dict(getattr(target, f), state[f], f"{path}.{f}") for f in target._fields})
    if isinstance(target, (list, tuple)):
        keys = [str(i) for i in range(len(target))]
        if not isinstance(state, dict) or set(state) != set(keys):
            raise ValueError(f"{path}: a sequence of {len(target)} needs keys {keys}, found "
                             f"{list(state) if isinstance(state, dict) else type(state).__name__}")
        return type(target)(from_state_dict(v, state[k], f"{path}[{k}]") for k, v in zip(keys, target))
    if isinstance(target, dict):
        if not isinstance(state, dict) or set(state) != set(map(str, target)):
            raise ValueError(f"{path}: a dict with keys {sorted(map(str, target))} found "
                             f"{sorted(state) if isinstance(state, dict) else type(state).__name__}")
        return {k: from_state_dict(v, state[str(k)], f"{path}['{k}']") for k, v in target.items()}
    return state


def _array_payload(shape, dtype_name, data):
    return msgpack.packb((tuple(shape), dtype_name, data), use_bin_type=True)


def _ext_pack(x):
    if isinstance(x, BFloat16):
        return msgpack.ExtType(EXT_NDARRAY, _array_payload(x.shape, "bfloat16", x.bits.tobytes("C")))
    if isinstance(x, np.ndarray):
        if x.dtype.hasobject or x.dtype.isalignedstruct:
            raise ValueError("object and structured dtypes are not supported")
        return msgpack.ExtType(EXT_NDARRAY, _array_payload(x.shape, x.dtype.name, x.tobytes("C")))
    if isinstance(x, np.generic):
        arr = np.asarray(x)
        return msgpack.ExtType(EXT_NPSCALAR, _array_payload(arr.shape, arr.dtype.name, arr.tobytes("C")))
    if isinstance(x, complex):
        return msgpack.ExtType(EXT_NATIVE_COMPLEX, msgpack.packb((x.real, x.imag)))
    return x


def _chunk(arr):
    itemsize = arr.itemsize if isinstance(arr, BFloat16) else arr.dtype.itemsize
    per_chunk = max(1, int(MAX_CHUNK_SIZE / itemsize))
    flat = arr.reshape(-1)
    chunks = [flat[i:i + per_chunk] for i in range(0, flat.size, per_chunk)]
    return {
        CHUNKED: True,
        "shape": {str(i): d for i, d in enumerate(arr.shape)},
        "chunks": {str(i): c for i, c in enumerate(chunks)},
    }


def _nbytes(x):
    return x.size * (x.itemsize if isinstance(x, BFloat16) else x.dtype.itemsize)


def _chunk_large(x):
    if isinstance(x, dict):
        return {k: _chunk_large(v) for k, v in x.items()}
    if isinstance(x, (np.ndarray, BFloat16)) and _nbytes(x) > MAX_CHUNK_SIZE:
        return _chunk(x)
    return x


def to_bytes(tree):
    """flax.serialization.to_bytes."""
    return msgpack.packb(_chunk_large(to_state_dict(tree)), default=_ext_pack, strict_types=True)


def _array_from_payload(data):
    shape, dtype_name, buffer = msgpack.unpackb(data, raw=True)
    if dtype_name == b"bfloat16":
        return BFloat16.from_bits(np.frombuffer(buffer, dtype=np.uint16).reshape(shape, order="C"))
    return np.frombuffer(buffer, dtype=np.dtype(dtype_name.decode())).reshape(shape, order="C")


def _ext_unpack(code, data):
    if code == EXT_NDARRAY:
        return _array_from_payload(data)
    if code == EXT_NATIVE_COMPLEX:
        real, imag = msgpack.unpackb(data)
        return complex(real, imag)
    if code == EXT_NPSCALAR:
        arr = _array_from_payload(data)
        return arr if isinstance(arr, BFloat16) else arr[()]
    return msgpack.ExtType(code, data)


def _unchunk(x):
    if isinstance(x, dict):
        if CHUNKED in x:
            shape = tuple(x["shape"][str(i)] for i in range(len(x["shape"])))
            chunks = [x["chunks"][str(i)] for i in range(len(x["chunks"]))]
            if isinstance(chunks[0], BFloat16):
                return BFloat16.from_bits(np.concatenate([c.bits for c in chunks]).reshape(shape))
            return np.concatenate(chunks).reshape(shape)
        return {k: _unchunk(v) for k, v in x.items()}
    return x


def msgpack_restore(data):
    """flax.serialization.msgpack_restore."""
    return _unchunk(msgpack.unpackb(data, ext_hook=_ext_unpack, raw=False))
