#!/usr/bin/env bash
# The end-to-end training-step benchmark: pytree4j next to PyTorch eager in one run, one table.
# Installs Debian's python3-torch where it is missing, and OpenBLAS for it (without libopenblas0 Debian's
# torch runs its matrix products on the reference BLAS, 10x slower) (needs root, as on the project's machines),
# builds the benchmarks module, and runs org.pytree4j.benchmarks.EndToEnd from the repository root.
# Options pass through: --rounds N (default 3), --quick, --models tiny,medium, --out DIR, --python PATH.
# Check `uptime` first: the numbers mean something only on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
if ! "$PYTHON" -c 'import torch, numpy' 2>/dev/null || ! ls /usr/lib/x86_64-linux-gnu/libopenblas.so.0 >/dev/null 2>&1; then
  echo "installing Debian's python3-torch, python3-numpy and libopenblas0-pthread" >&2
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-numpy libopenblas0-pthread
fi
mvn -B -q -pl benchmarks -am package -DskipTests
exec java -cp benchmarks/target/benchmarks.jar org.pytree4j.benchmarks.EndToEnd --python "$PYTHON" "$@"
