# Verdict lines of a check. The host counts exactly one RESULT line per check.
say() { echo "  [$CHECK] $*"; }
pass() { echo "RESULT $CHECK PASS $*"; exit 0; }
fail() { echo "RESULT $CHECK FAIL $*"; exit 0; }
not_run() { echo "RESULT $CHECK NOT-RUN $*"; exit 0; }

# expect DESCRIPTION COMMAND...: runs the command; a failure ends the check with FAIL.
expect() {
    local what=$1; shift
    if "$@"; then say "ok: $what"; else fail "$what"; fi
}

# Ends the check with NOT-RUN when a clickbridge command is still the skeleton's stub.
not_built_yet() {  # not_built_yet STDERR-FILE
    grep -q 'is not built yet' "$1" && not_run "$(grep -o 'clickbridge [a-z-]* is not built yet' "$1" | head -n1) in this build"
}
