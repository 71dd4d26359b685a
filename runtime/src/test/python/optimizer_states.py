"""The optimizer states of optimizer_states.msgpack, as Optax lays them out.

    /usr/bin/python3 runtime/src/test/python/optimizer_states.py write [OUTPUT_FILE]
    /usr/bin/python3 runtime/src/test/python/optimizer_states.py check JAVA_FILE

`write` stores the states below with flax.serialization.to_bytes's rules (flax_msgpack.py) in
runtime/src/test/resources/flax-fixtures/optimizer_states.msgpack; OptimizerStatesFlaxTest restores
them into the Java states of the same optimizers. `check` decodes bytes that Java wrote for those
states (OptimizerStatesFlaxTest) with Flax's rules and compares them with the same states: every
key in the same order, every array's dtype, shape and values; Optax's int32 counts are 0-d arrays
here and numpy int32 scalars in Java's bytes, which flax.serialization restores alike. Prints OK and
exits 0, or prints each difference and exits 1.

Each state is the one Optax's optimizer (alias.py, for the params below) keeps: its chain as a
tuple, each transformation's state a namedtuple with Optax's fields, in Optax's order. The values
are formulas, distinct per tree, so that a tree read into the wrong place shows.
"""

import collections
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flax_msgpack  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "flax-fixtures",
                   "optimizer_states.msgpack")

EmptyState = collections.namedtuple("EmptyState", [])
MaskedState = collections.namedtuple("MaskedState", ["inner_state"])
TraceState = collections.namedtuple("TraceState", ["trace"])
EmaState = collections.namedtuple("EmaState", ["count", "ema"])
ScaleByAdamState = collections.namedtuple("ScaleByAdamState", ["count", "mu", "nu"])
ScaleByBeliefState = collections.namedtuple("ScaleByBeliefState", ["count", "mu", "nu"])
ScaleByRssState = collections.namedtuple("ScaleByRssState", ["sum_of_squares"])
ScaleByRmsState = collections.namedtuple("ScaleByRmsState", ["nu"])
ScaleByRStdDevWithCountState = collections.namedtuple("ScaleByRStdDevWithCountState", ["count", "mu", "nu"])
FactoredState = collections.namedtuple("FactoredState", ["count", "v_row", "v_col", "v"])


def f32(values):
    return np.asarray(values, dtype=np.float32)


def count(n):
    """An int32 array of shape (), as jnp.zeros([], jnp.int32) counts are."""
    return np.array(n, dtype=np.int32)


def params(scale):
    """{'dense': {'bias': f32[3], 'kernel': f32[2, 3]}}: bias[j] = scale * (j + 1),
    kernel[i, j] = scale * (i * 3 + j) / 8."""
    return {
        "dense": {
            "bias": (scale * (np.arange(3, dtype=np.float32) + 1)).astype(np.float32),
            "kernel": (scale * np.arange(6, dtype=np.float32).reshape(2, 3) / 8).astype(np.float32),
        }
    }


def dense(bias, kernel):
    return {"dense": {"bias": bias, "kernel": kernel}}


PLACEHOLDER = f32([0.0])


def states():
    """Keyed by the Java test's names, sorted (Java writes a map's keys sorted)."""
    return {
        # adabelief(1e-3)
        "adabelief": (ScaleByBeliefState(count=count(3), mu=params(0.5), nu=params(0.25)), EmptyState()),
        # adafactor(1e-3, min_dim_size_to_factor=2, momentum=0.9): the kernel [2, 3] is factored over
        # d0 = 1 (size 3) and d1 = 0 (size 2): v_row has shape [2], v_col [3]; the bias keeps v.
        "adafactor": (
            FactoredState(count=count(7),
                          v_row=dense(PLACEHOLDER, f32([0.5, 1.5])),
                          v_col=dense(PLACEHOLDER, f32([0.25, 0.75, 1.25])),
                          v=dense(f32([1.0, 2.0, 3.0]), PLACEHOLDER)),
            EmptyState(), EmptyState(), EmptyState(),
            EmaState(count=count(7), ema=params(-0.25)),
            EmptyState()),
        # adagrad(1e-2)
        "adagrad": (ScaleByRssState(sum_of_squares=params(0.75)), EmptyState()),
        # adamax(1e-3): Optax keeps adamax's moments in ScaleByAdamState
        "adamax": (ScaleByAdamState(count=count(5), mu=params(-0.5), nu=params(2.0)), EmptyState()),
        # lamb(1e-3)
        "lamb": (ScaleByAdamState(count=count(11), mu=params(0.125), nu=params(0.0625)),
                 EmptyState(), EmptyState(), EmptyState()),
        # lars(0.1): both masks True, so both are masked
        "lars": (MaskedState(inner_state=EmptyState()), MaskedState(inner_state=EmptyState()), EmptyState(),
                 TraceState(trace=params(-1.5))),
        # rmsprop(1e-3)
        "rmsprop": (ScaleByRmsState(nu=params(3.0)), EmptyState(), EmptyState()),
        # rmsprop(1e-3, centered=True, momentum=0.9, bias_correction=True)
        "rmsprop_centered": (ScaleByRStdDevWithCountState(count=count(2), mu=params(0.5), nu=params(4.0)),
                             EmptyState(), TraceState(trace=params(1.0))),
    }


problems = []


def compare(path, expected, actual):
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            problems.append(f"{path}: expected a dict, found {type(actual).__name__}")
            return
        if list(expected) != list(actual):
            problems.append(f"{path}: keys {list(actual)}, expected {list(expected)}")
            return
        for k in expected:
            compare(f"{path}['{k}']", expected[k], actual[k])
        return
    actual_array = np.asarray(actual)
    if actual_array.dtype != expected.dtype or actual_array.shape != expected.shape:
        problems.append(f"{path}: {actual_array.dtype}{list(actual_array.shape)}, expected "
                        f"{expected.dtype}{list(expected.shape)}")
    elif not np.array_equal(actual_array, expected):
        problems.append(f"{path}: {actual_array.tolist()}, expected {expected.tolist()}")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "write":
        out = sys.argv[2] if len(sys.argv) > 2 else OUT
        data = flax_msgpack.to_bytes(states())
        with open(out, "wb") as f:
            f.write(data)
        print("wrote", out, len(data), "bytes")
        return
    if len(sys.argv) != 3 or sys.argv[1] != "check":
        sys.exit(__doc__)
    try:
        actual = flax_msgpack.msgpack_restore(open(sys.argv[2], "rb").read())
        compare("<root>", flax_msgpack.to_state_dict(states()), actual)
    except Exception as e:  # a crash is a failed check, reported like the others
        problems.append(f"{type(e).__name__}: {e}")
    if problems:
        for p in problems:
            print("MISMATCH", p)
        sys.exit(1)
    print("OK: Java's optimizer states decode in Python to Optax's layout and values")


if __name__ == "__main__":
    main()
