# Running `clickbridge listen` in the background and reading what it printed. Sourced.
# The only place that knows the shape of listen's --json lines.

# listen_start NAME ARGS...: starts `clickbridge listen ARGS --json`, output in /tmp/NAME.{out,err}.
listen_start() {
    local name=$1; shift
    clickbridge listen "$@" --json > "/tmp/$name.out" 2> "/tmp/$name.err" &
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

# A JSON string or number field of one flat line: json_field LINE KEY.
json_field() { printf '%s\n' "$1" | sed -n "s/.*\"$2\" *: *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p"; }

# presses_of NAME: one "CLICKTYPE PRESSED_AT DECIDED_AT" line per press listen printed.
presses_of() {
    grep '"clickType"' "/tmp/$1.out" | while read -r line; do
        echo "$(json_field "$line" clickType) $(json_field "$line" pressedAt) $(json_field "$line" decidedAt)"
    done
}
click_types_of() { presses_of "$1" | cut -d' ' -f1 | paste -sd' '; }

# edges_of NAME: one "press|release SECONDS" line per edge listen printed.
edges_of() {
    grep '"edge"' "/tmp/$1.out" | while read -r line; do
        echo "$(json_field "$line" edge) $(json_field "$line" at)"
    done
}

# wait_for_presses NAME COUNT [SECONDS]
wait_for_presses() {
    local i=0 limit=$(( ${3:-10} * 20 ))
    while [ "$(grep -c '"clickType"' "/tmp/$1.out" 2>/dev/null)" -lt "$2" ]; do
        i=$((i + 1)); [ $i -ge $limit ] && return 1
        sleep 0.05
    done
}

# The guest has a clickbridge binary at all (CLICKBRIDGE_KERNEL_GUEST_BIN=none boots without).
need_clickbridge() { command -v clickbridge >/dev/null || not_run "no clickbridge binary in the guest (CLICKBRIDGE_KERNEL_GUEST_BIN=none)"; }
