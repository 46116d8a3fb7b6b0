# Running `clickbridge listen` in the background and reading what it printed. Sourced.
# The only place that knows the shape of listen's lines. Its text output is used, not --json,
# because --json prints presses only and the checks need the edges too:
#   edge    BUTTON  down  SECONDS
#   SINGLE  BUTTON  pressed SECONDS  decided SECONDS (+520.000 ms)

# listen_start NAME ARGS...: starts `clickbridge listen ARGS`, output in /tmp/NAME.{out,err}.
listen_start() {
    local name=$1; shift
    clickbridge listen "$@" > "/tmp/$name.out" 2> "/tmp/$name.err" 7>&- &
    eval "LISTEN_PID_$name=$!"
}
listen_pid() { eval "echo \$LISTEN_PID_$1"; }
listen_alive() { kill -0 "$(listen_pid "$1")" 2>/dev/null; }

# listen_stop NAME: SIGINT, as a user's Ctrl-C, then waits for it to exit.
listen_stop() {
    local pid; pid=$(listen_pid "$1")
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# presses_of NAME: one "CLICKTYPE PRESSED_AT DECIDED_AT" line per press listen printed.
presses_of() { awk '$1 ~ /^(SINGLE|DOUBLE|LONG)$/ && $3 == "pressed" { print $1, $4, $6 }' "/tmp/$1.out"; }
press_count() { presses_of "$1" | grep -c .; }
click_types_of() { presses_of "$1" | cut -d' ' -f1 | paste -sd' '; }

# edges_of NAME: one "press|release SECONDS" line per edge listen printed.
edges_of() { awk '$1 == "edge" { print ($3 == "down" ? "press" : "release"), $4 }' "/tmp/$1.out"; }

# wait_for_presses NAME COUNT [SECONDS]
wait_for_presses() {
    local i=0 limit=$(( ${3:-10} * 20 ))
    while [ "$(press_count "$1")" -lt "$2" ]; do
        i=$((i + 1)); [ $i -ge $limit ] && return 1
        sleep 0.05
    done
}

# The guest has a clickbridge binary at all (CLICKBRIDGE_KERNEL_GUEST_BIN=none boots without).
need_clickbridge() { command -v clickbridge >/dev/null || not_run "no clickbridge binary in the guest (CLICKBRIDGE_KERNEL_GUEST_BIN=none)"; }

# listen_ready NAME: waits until listen has opened its input (it says "listening on …" on stderr).
listen_ready() { wait_for "/tmp/$1.err" '^listening on' 30; }
