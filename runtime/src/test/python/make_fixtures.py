"""Writes the Flax msgpack fixtures in runtime/src/test/resources/flax-fixtures/.

Run from the repository root with a Python that has msgpack and numpy (Debian:
apt-get install -y python3-msgpack python3-numpy):

    /usr/bin/python3 runtime/src/test/python/make_fixtures.py [OUTPUT_DIR]

The bytes follow flax.serialization.to_bytes (see flax_msgpack.py). FlaxFixturesTest restores them
in Java and checks every value against the formulas below; keep the two in step.
"""

import collections
import os
import sys

import msgpack
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flax_msgpack  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "flax-fixtures")
if len(sys.argv) > 1:
    OUT = sys.argv[1]

# Optax's state classes are namedtuples: EmptyState(), ScaleByAdamState(count, mu, nu), and the
# states of its wrappers, field for field (optax/transforms/_masking.py, _combining.py,
# _accumulation.py). MaskedNode is a namedtuple without fields, which Flax writes as {}.
EmptyState = collections.namedtuple("EmptyState", [])
ScaleByAdamState = collections.namedtuple("ScaleByAdamState", ["count", "mu", "nu"])
MaskedNode = collections.namedtuple("MaskedNode", [])
MaskedState = collections.namedtuple("MaskedState", ["inner_state"])
PartitionState = collections.namedtuple("PartitionState", ["inner_states"])
MultiStepsState = collections.namedtuple(
    "MultiStepsState", ["mini_step", "gradient_step", "inner_opt_state", "acc_grads", "skip_state"])


def arrays():
    """Every dtype Flax writes for ND4J's types; keys sorted, as Java writes a Map."""
    return {
        "b16": flax_msgpack.BFloat16([1.5, -2.0, 0.15625, 256.0]),
        "bool": np.array([True, False, True]),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "f16": np.array([0.5, -1.25, 65504.0, 2.0 ** -14, 2.0 ** -24], dtype=np.float16),
        "f32": (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1).astype(np.float32),
        "f64": np.array([[1 / 3, 2 / 3], [1e-300, -1e300]], dtype=np.float64),
        "i32": np.array([-(2 ** 31), 0, 7, 2 ** 31 - 1], dtype=np.int32),
        "i64": np.array([-(2 ** 63), 2 ** 40, 2 ** 63 - 1], dtype=np.int64),
        "i8": np.array([-128, 127], dtype=np.int8),
        "scalar_array": np.array(2.5, dtype=np.float32),
        "u8": np.array([0, 255], dtype=np.uint8),
    }


def params(scale):
    """{'dense': {'bias': f32[3], 'kernel': f32[2, 3]}}: bias[j] = scale * (j + 1),
    kernel[i, j] = scale * (i * 3 + j) / 8."""
    return {
        "dense": {
            "bias": (scale * (np.arange(3, dtype=np.float32) + 1)).astype(np.float32),
            "kernel": (scale * np.arange(6, dtype=np.float32).reshape(2, 3) / 8).astype(np.float32),
        }
    }


def train_state():
    """A flax.training.train_state.TrainState after 42 jitted steps of optax.chain(clip, adam):
    step and count are int32 arrays of shape (), the chain state is a tuple, Adam's a namedtuple."""
    step = np.array(42, dtype=np.int32)
    # TrainState's state dict: its pytree fields in declaration order (apply_fn and tx are static).
    return collections.OrderedDict([
        ("step", step),
        ("params", params(1.0)),
        ("opt_state", (EmptyState(), ScaleByAdamState(count=np.array(42, dtype=np.int32),
                                                       mu=params(0.5), nu=params(0.25)))),
    ])


def layer(scale, rows, cols):
    """{'bias': f32[cols] = scale * (j + 1), 'kernel': f32[rows, cols] = scale * (cols * i + j) / 8}."""
    return {
        "bias": (scale * (np.arange(cols, dtype=np.float32) + 1)).astype(np.float32),
        "kernel": (scale * np.arange(rows * cols, dtype=np.float32).reshape(rows, cols) / 8).astype(np.float32),
    }


def two_layers(scale):
    """{'backbone': layer(scale, 2, 3), 'head': layer(scale, 3, 2)}."""
    return {"backbone": layer(scale, 2, 3), "head": layer(scale, 3, 2)}


def partition_train_state():
    """A flax TrainState after 7 jitted steps of
    optax.chain(optax.clip_by_global_norm(1.0),
                optax.partition({'frozen': optax.set_to_zero(), 'trainable': optax.adam(1e-3)},
                                {'backbone': 'frozen', 'head': 'trainable'})).
    Each label's state is masked(tx, labels == label).init(params): the trainable adam moments hold
    one MaskedNode for the whole backbone (the labels are a prefix tree); mu = head of two_layers(0.5),
    nu = head of two_layers(0.25), count 7."""
    step = np.array(7, dtype=np.int32)
    adam = (ScaleByAdamState(count=np.array(7, dtype=np.int32),
                             mu={"backbone": MaskedNode(), "head": two_layers(0.5)["head"]},
                             nu={"backbone": MaskedNode(), "head": two_layers(0.25)["head"]}),
            EmptyState())
    partition = PartitionState(inner_states={
        "frozen": MaskedState(inner_state=EmptyState()),
        "trainable": MaskedState(inner_state=adam),
    })
    return collections.OrderedDict([
        ("step", step),
        ("params", two_layers(1.0)),
        ("opt_state", (EmptyState(), partition)),
    ])


def multi_steps_train_state(with_skip):
    """A flax TrainState after 10 jitted steps of optax.MultiSteps(optax.adam(1e-3), every_k_schedule=4)
    (with_skip: should_skip_update_fn=optax.skip_not_finite, whose last call found 3 non-finite
    values): 2 gradient steps done and 2 mini-steps accumulated. inner_opt_state =
    (ScaleByAdamState(count=2, mu=params(0.5), nu=params(0.25)), EmptyState()), acc_grads = params(-0.125);
    skip_state is () without a skip function, else {'should_skip': bool[], 'num_not_finite': int32[]}."""
    skip_state = ()
    if with_skip:
        skip_state = {"should_skip": np.array(True), "num_not_finite": np.array(3, dtype=np.int32)}
    opt_state = MultiStepsState(
        mini_step=np.array(2, dtype=np.int32),
        gradient_step=np.array(2, dtype=np.int32),
        inner_opt_state=(ScaleByAdamState(count=np.array(2, dtype=np.int32), mu=params(0.5), nu=params(0.25)),
                         EmptyState()),
        acc_grads=params(-0.125),
        skip_state=skip_state)
    return collections.OrderedDict([
        ("step", np.array(10, dtype=np.int32)),
        ("params", params(1.0)),
        ("opt_state", opt_state),
    ])


def scalars():
    """numpy scalars and Python values in one dict."""
    return {
        "np_f32": np.float32(1.5),
        "np_f64": np.float64(-0.25),
        "np_i32": np.int32(-7),
        "np_i64": np.int64(2 ** 40),
        "np_bool": np.bool_(True),
        "np_f16": np.float16(0.5),
        "np_c64": np.complex64(1 + 2j),
        "py_int": 3,
        "py_float": 0.125,
        "py_bool": False,
        "py_str": "adam",
        "py_none": None,
        "py_complex": complex(1.5, -2.5),
        "py_list": [1, 2.5],
        "big_int": 2 ** 64 - 1,
    }


def chunked():
    """Arrays over the (lowered) chunk size: 'big' f32[5, 7] = arange / 4 in chunks of 16,
    'ints' int64[3, 3] = arange - 4 in chunks of 8; 'small' f32[2] stays whole."""
    return {
        "big": (np.arange(35, dtype=np.float32).reshape(5, 7) / 4).astype(np.float32),
        "ints": (np.arange(9, dtype=np.int64) - 4).reshape(3, 3),
        "small": np.array([1.0, -1.0], dtype=np.float32),
    }


def jax_sorted(tree):
    """What jax.tree_util.tree_map returns for nested dicts: every dict rebuilt with its keys in
    sorted() order (JAX flattens a dict in sorted key order and unflattens it in that order)."""
    if isinstance(tree, dict):
        return {k: jax_sorted(tree[k]) for k in sorted(tree)}
    return tree


# Keys that Python's sorted() (by code point) and Java's String.compareTo (by UTF-16 unit) order
# differently: '\ufffd' < '\U0001F600' in Python, the other way round in compareTo.
UNICODE_KEYS = ["\U0001F600", "\ufffd", "b", "a", "\u00e9", "\ue000"]


def ordered():
    """A TrainState as Flax writes it right after init, where dicts come in two orders: 'params' in
    the order the model created them (encoder before decoder, kernel before bias: insertion order,
    not sorted), Adam's 'mu' and 'nu' made by jax.tree_util.tree_map (sorted keys). Leaves are of
    the types Java writes back unchanged (np.int64 step for a long, np.int32 count for an int), so
    only the key order is under test; KeyOrderBytesTest restores and re-encodes them."""
    def layer(scale, fan_in, fan_out):
        kernel = (scale * np.arange(fan_in * fan_out, dtype=np.float32).reshape(fan_in, fan_out) / 8).astype(np.float32)
        bias = (scale * (np.arange(fan_out, dtype=np.float32) + 1)).astype(np.float32)
        return {"kernel": kernel, "bias": bias}   # Dense creates its kernel first

    def model(scale):
        return {"encoder": layer(scale, 2, 3), "decoder": layer(scale, 3, 2)}

    return collections.OrderedDict([
        ("step", np.int64(0)),
        ("params", model(1.0)),
        ("opt_state", (EmptyState(), ScaleByAdamState(count=np.int32(0),
                                                       mu=jax_sorted(model(0.5)), nu=jax_sorted(model(0.25))))),
    ])


def unicode_keys():
    """{key: np.float32(i)} for UNICODE_KEYS, in that (insertion) order."""
    return {key: np.float32(i) for i, key in enumerate(UNICODE_KEYS)}


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print("wrote", name, len(data), "bytes")


def invalid():
    """Bytes Python can write that Java must reject, each naming ['params']['w']."""
    def payload(shape, dtype, data):
        return msgpack.packb((shape, dtype, data), use_bin_type=True)

    def state(w):
        return msgpack.packb({"params": {"w": w}}, use_bin_type=True)

    write("invalid/unknown_ext.msgpack", state(msgpack.ExtType(7, b"\x00\x01")))
    write("invalid/complex_array.msgpack",
          state(msgpack.ExtType(1, payload((2,), "complex64", np.zeros(2, np.complex64).tobytes()))))
    write("invalid/unsupported_dtype.msgpack",
          state(msgpack.ExtType(1, payload((2,), "float128", b"\x00" * 32))))
    write("invalid/shape_mismatch.msgpack",
          state(msgpack.ExtType(1, payload((2, 3), "float32", np.zeros(5, np.float32).tobytes()))))


def main():
    os.makedirs(os.path.join(OUT, "invalid"), exist_ok=True)
    write("arrays.msgpack", flax_msgpack.to_bytes(arrays()))
    write("train_state.msgpack", flax_msgpack.to_bytes(train_state()))
    write("scalars.msgpack", flax_msgpack.to_bytes(scalars()))
    write("partition_train_state.msgpack", flax_msgpack.to_bytes(partition_train_state()))
    write("multi_steps_train_state.msgpack", flax_msgpack.to_bytes(multi_steps_train_state(False)))
    write("multi_steps_skip_train_state.msgpack", flax_msgpack.to_bytes(multi_steps_train_state(True)))
    flax_msgpack.MAX_CHUNK_SIZE = 64
    write("chunked.msgpack", flax_msgpack.to_bytes(chunked()))
    flax_msgpack.MAX_CHUNK_SIZE = 2 ** 30
    write("ordered.msgpack", flax_msgpack.to_bytes(ordered()))
    write("unicode_insertion_order.msgpack", flax_msgpack.to_bytes(unicode_keys()))
    write("unicode_sorted.msgpack", flax_msgpack.to_bytes(jax_sorted(unicode_keys())))
    invalid()


if __name__ == "__main__":
    main()
