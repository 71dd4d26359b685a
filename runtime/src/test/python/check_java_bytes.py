"""Checks bytes that pytree4j's Serialization.toBytes wrote (PythonInteropTest) the way Flax reads them.

    /usr/bin/python3 check_java_bytes.py STATE_FILE

1. Decodes the file with flax.serialization.msgpack_restore's rules and checks every value, its
   numpy type and dtype against the state PythonInteropTest builds (its formulas are repeated here).
2. Encodes the decoded state again with flax.serialization.to_bytes's rules (MAX_CHUNK_SIZE = 64, as
   the Java side used) and checks that the bytes are identical to Java's.

Prints OK and exits 0, or prints each problem and exits 1.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flax_msgpack  # noqa: E402

problems = []


def check(what, condition, detail=""):
    if not condition:
        problems.append(f"{what}: {detail}")


def check_scalar(path, value, numpy_type, expected):
    check(path, type(value) is numpy_type, f"expected {numpy_type.__name__}, got {type(value).__name__}")
    check(path, value == expected, f"expected {expected!r}, got {value!r}")


def check_array(path, value, dtype, expected):
    expected = np.asarray(expected)
    if dtype == "bfloat16":
        ok = isinstance(value, flax_msgpack.BFloat16)
        check(path, ok, f"expected bfloat16, got {type(value).__name__}")
        if ok:
            check(path, value.shape == expected.shape, f"shape {value.shape} != {expected.shape}")
            check(path, np.array_equal(value.to_float32(), expected.astype(np.float32)), f"{value.to_float32()}")
        return
    ok = isinstance(value, np.ndarray)
    check(path, ok, f"expected an ndarray, got {type(value).__name__}")
    if not ok:
        return
    check(path, value.dtype.name == dtype, f"dtype {value.dtype.name} != {dtype}")
    check(path, value.shape == expected.shape, f"shape {value.shape} != {expected.shape}")
    check(path, value.shape == expected.shape and np.array_equal(value, expected.astype(dtype)), f"values {value}")


def params(scale):
    return {
        "dense": {
            "bias": scale * (np.arange(3) + 1.0),
            "kernel": scale * np.arange(6.0).reshape(2, 3) / 8,
        }
    }


def check_params(path, value, scale):
    want = params(scale)
    check(path, isinstance(value, dict) and list(value) == ["dense"], f"keys {list(value)}")
    dense = value.get("dense", {})
    check(path, list(dense) == ["bias", "kernel"], f"dense keys {list(dense)}")
    for name in ("bias", "kernel"):
        check_array(f"{path}['dense']['{name}']", dense.get(name), "float32", want["dense"][name])


def check_state(state):
    check("<root>", list(state) == ["arrays", "chunked", "scalars", "train_state"], f"keys {list(state)}")

    ts = state["train_state"]
    check("['train_state']", list(ts) == ["step", "params", "opt_state"], f"keys {list(ts)}")
    check_scalar("['train_state']['step']", ts["step"], np.int64, 42)
    check_params("['train_state']['params']", ts["params"], 1.0)
    opt = ts["opt_state"]
    check("['opt_state']", list(opt) == ["0", "1"], f"keys {list(opt)}")
    check("['opt_state']['0']", opt["0"] == {}, f"{opt['0']!r}")
    adam = opt["1"]
    check("['opt_state']['1']", list(adam) == ["count", "mu", "nu"], f"keys {list(adam)}")
    check_scalar("['opt_state']['1']['count']", adam["count"], np.int32, 42)
    check_params("['opt_state']['1']['mu']", adam["mu"], 0.5)
    check_params("['opt_state']['1']['nu']", adam["nu"], 0.25)

    arrays = state["arrays"]
    check_array("['arrays']['b16']", arrays["b16"], "bfloat16", [1.5, -2.0, 0.15625, 256.0])
    check_array("['arrays']['bool']", arrays["bool"], "bool", [True, False, True])
    check_array("['arrays']['empty']", arrays["empty"], "float32", np.zeros((0, 3)))
    check_array("['arrays']['f16']", arrays["f16"], "float16", [0.5, -1.25])
    check_array("['arrays']['f64']", arrays["f64"], "float64", [[1 / 3, 2 / 3], [1e-300, -1e300]])
    check_array("['arrays']['i32']", arrays["i32"], "int32", [-(2 ** 31), 7])
    check_array("['arrays']['i64']", arrays["i64"], "int64", [-(2 ** 63), 2 ** 63 - 1])
    check_array("['arrays']['i8']", arrays["i8"], "int8", [-128, 127])
    check_array("['arrays']['key']", arrays["key"], "uint32", [2 ** 32 - 1, 42])
    check_array("['arrays']['rank0']", arrays["rank0"], "float32", np.array(2.5))
    check_array("['arrays']['u8']", arrays["u8"], "uint8", [0, 255])

    check_array("['chunked']", state["chunked"], "float32", np.arange(35).reshape(5, 7) / 4)

    s = state["scalars"]
    check_scalar("['scalars']['byte']", s["byte"], np.int8, -3)
    check_scalar("['scalars']['double']", s["double"], np.float64, -0.1)
    check_scalar("['scalars']['float']", s["float"], np.float32, np.float32(1.25))
    check_scalar("['scalars']['int']", s["int"], np.int32, -7)
    check_scalar("['scalars']['long']", s["long"], np.int64, 2 ** 40)
    check_scalar("['scalars']['short']", s["short"], np.int16, 12)
    check("['scalars']['bool']", s["bool"] is True, repr(s["bool"]))
    check("['scalars']['bytes']", s["bytes"] == b"\x01\x02\x03", repr(s["bytes"]))
    check("['scalars']['complex']", s["complex"] == complex(1.5, -2.5) and type(s["complex"]) is complex,
          repr(s["complex"]))
    check("['scalars']['none']", "none" in s and s["none"] is None, repr(s.get("none", "<missing>")))
    check("['scalars']['string']", s["string"] == "adam", repr(s["string"]))


def main():
    data = open(sys.argv[1], "rb").read()
    try:
        state = flax_msgpack.msgpack_restore(data)
        check_state(state)
        flax_msgpack.MAX_CHUNK_SIZE = 64
        again = flax_msgpack.to_bytes(state)
        if again != data:
            first = next((i for i, (a, b) in enumerate(zip(again, data)) if a != b), min(len(again), len(data)))
            problems.append(f"re-encoding differs from Java's bytes at byte {first} "
                            f"(python {again[first:first + 16].hex()} vs java {data[first:first + 16].hex()};"
                            f" lengths {len(again)} and {len(data)})")
    except Exception as e:  # a crash is a failed check, reported like the others
        problems.append(f"{type(e).__name__}: {e}")
    if problems:
        for p in problems:
            print("MISMATCH", p)
        sys.exit(1)
    print(f"OK: {len(data)} bytes decode in Python to the expected values and re-encode identically")


if __name__ == "__main__":
    main()
