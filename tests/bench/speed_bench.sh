#!/bin/sh
# The speed table of README.md in one run: revcol-bench (C++) with the official-style PyTorch
# script (tests/bench/official_style_revcol.py, run by revcol-bench with default and tuned malloc).
# Not a test. The machine should be otherwise idle: the load average is printed before and after.
#   tests/bench/speed_bench.sh [BUILD_DIR=build/speed] [revcol-bench options...]
# e.g. tests/bench/speed_bench.sh build/speed --reps 11 --det-reps 3 --frames 1000
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/speed}
[ $# -gt 0 ] && shift
bench="$build/tests/revcol-bench"
[ -x "$bench" ] || { echo "speed_bench.sh: $bench not built (cmake -DREVCOL_BENCHMARKS=ON)" >&2; exit 1; }
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(uptime)"
echo "python: $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__, torch.get_num_threads(), "threads")')"
"$bench" --official "$here/official_style_revcol.py" "$@"
"$bench" --memory "$@"
echo "after: $(uptime)"
