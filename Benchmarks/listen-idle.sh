#!/usr/bin/env bash
# Idle CPU and resident memory of `clickbridge listen` while nothing happens.
#
# usage: Benchmarks/listen-idle.sh [BINARY [SECONDS]]
#   BINARY   default: .build/release/clickbridge (build it with `swift build -c release`).
#            Also works with clickbridge-bench, whose `listen` benchmark runs the same ListenJob
#            without the CLI (Glibc only, no Foundation): Benchmarks/listen-idle.sh .build/release/clickbridge-bench
#   SECONDS  the quiet period measured (default 30).
#
# It replays, in real time, a trace with one press, a long quiet period, and one more press: after
# the first SINGLE is decided the loop has nothing to do but wait for the last edge's timer, which
# is exactly what a daemon waiting for a button does. Over the quiet period it reads utime+stime
# (clock ticks) and context switches from /proc/PID, and VmRSS at the end. The process is then
# stopped with SIGINT (a clean stop).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/clickbridge}
seconds=${2:-30}
[ -x "$bin" ] || { echo "no executable $bin; build it first (swift build -c release)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
quiet=$((seconds + 15))
cat > "$work/quiet.trace" <<TRACE
clickbridge-trace 1
source benchmark: a press, ${quiet} s of quiet, a press
polarity active-high
button b
0.000000000 b 1
0.100000000 b 0
${quiet}.000000000 b 1
${quiet}.100000000 b 0
TRACE
case "$(basename "$bin")" in
    clickbridge-bench) "$bin" listen "$work/quiet.trace" > "$work/out" 2> "$work/err" & ;;
    *) "$bin" listen --trace "$work/quiet.trace" > "$work/out" 2> "$work/err" & ;;
esac
pid=$!
sleep 3   # start-up and the first SINGLE (decided at 0.5 s)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
switches() { awk '/^(voluntary|nonvoluntary)_ctxt_switches/ {s += $2} END {print s}' "/proc/$pid/status"; }
t0=$(ticks); c0=$(switches)
sleep "$seconds"
t1=$(ticks); c1=$(switches)
rss=$(awk '/^VmRSS/ {print $2, $3}' "/proc/$pid/status")
threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
kill -INT "$pid"; wait "$pid" || true
echo "binary: $bin"
echo "idle ${seconds}s: $((t1 - t0)) CPU ticks (utime+stime, $(getconf CLK_TCK)/s), $((c1 - c0)) context switches"
echo "VmRSS while idle: $rss; threads: $threads"
echo "presses printed before the quiet period: $(grep -c SINGLE "$work/out" || true)"
