"""Checks that optimizer states Java wrote (FlaxOptaxStatesTest) load in Python as Flax loads them.

    /usr/bin/python3 check_java_optax_states.py STATE_FILE

The file holds {'multi_steps': .., 'multi_steps_skip': .., 'partition': ..}: the three train states of
make_fixtures.py (partition_train_state, multi_steps_train_state), restored in Java from the fixtures
and written back with Serialization.toBytes. Each is restored here into the Python train state that
make_fixtures.py builds (Optax's namedtuple states, MaskedNode and all) with the rules of
flax.serialization.from_state_dict (flax_msgpack.from_state_dict, which also requires every key to
match), and every array is compared with that state's, dtype and value.

Prints OK and exits 0, or prints each problem and exits 1.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flax_msgpack  # noqa: E402
import make_fixtures  # noqa: E402

problems = []


def compare(path, expected, actual):
    if isinstance(expected, tuple) and hasattr(expected, "_fields"):
        if type(actual) is not type(expected):
            problems.append(f"{path}: expected {type(expected).__name__}, got {type(actual).__name__}")
            return
        for f in expected._fields:
            compare(f"{path}.{f}", getattr(expected, f), getattr(actual, f))
    elif isinstance(expected, (tuple, list)):
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(f"{path}[{i}]", e, a)
    elif isinstance(expected, dict):
        for k in expected:
            compare(f"{path}['{k}']", expected[k], actual[k])
    else:
        e = np.asarray(expected)
        a = np.asarray(actual)
        # Java writes a long step as int64 and a boolean as a msgpack bool; Optax reads either
        same_kind = e.dtype == a.dtype or (e.dtype.kind in "iu" and a.dtype.kind in "iu") or (
            e.dtype == np.bool_ and a.dtype == np.bool_)
        if not same_kind or e.shape != a.shape or not np.array_equal(e, a):
            problems.append(f"{path}: expected {e.dtype}{list(e.shape)} {e.tolist()}, got {a.dtype}{list(a.shape)} {a.tolist()}")
        if e.dtype == np.float32 and a.dtype != np.float32:
            problems.append(f"{path}: expected float32, got {a.dtype}")


def main():
    data = open(sys.argv[1], "rb").read()
    targets = {
        "multi_steps": make_fixtures.multi_steps_train_state(False),
        "multi_steps_skip": make_fixtures.multi_steps_train_state(True),
        "partition": make_fixtures.partition_train_state(),
    }
    try:
        state = flax_msgpack.msgpack_restore(data)
        if set(state) != set(targets):
            problems.append(f"<root>: keys {sorted(state)}")
        for name, target in targets.items():
            restored = flax_msgpack.from_state_dict(target, state[name], f"['{name}']")
            compare(f"['{name}']", target, restored)
    except Exception as e:  # a crash is a failed check, reported like the others
        problems.append(f"{type(e).__name__}: {e}")
    if problems:
        for p in problems:
            print("MISMATCH", p)
        sys.exit(1)
    print(f"OK: {len(data)} bytes restore in Python into Optax's states with Flax's rules, value for value")


if __name__ == "__main__":
    main()
