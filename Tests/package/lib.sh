# shellcheck shell=bash disable=SC2034
# Shared by the scripts of the package tier. Sourced, not run.

PTIER_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PTIER_REPO="$(cd "$PTIER_HERE/../.." && pwd)"

# The bootstrapped Debian root is kept outside the clone (CI starts from a fresh clone), beside
# the kernel tier's cache.
if [ -n "${CLICKBRIDGE_PACKAGE_CACHE:-}" ]; then
    PTIER_CACHE="$CLICKBRIDGE_PACKAGE_CACHE"
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    PTIER_CACHE="$XDG_CACHE_HOME/clickbridge-package-tier"
elif [ -w /var/cache ]; then
    PTIER_CACHE=/var/cache/clickbridge-package-tier
else
    PTIER_CACHE="$HOME/.cache/clickbridge-package-tier"
fi

# One run's scratch space (the packages, the root, logs): inside the clone, git-ignored (.build*/).
PTIER_WORK="${CLICKBRIDGE_PACKAGE_WORK:-$PTIER_REPO/.build-package-tier}"
PTIER_RESULTS="$PTIER_WORK/results"

export PATH="$PATH:/usr/sbin:/sbin"

ptier_log() { printf '[package-tier %s] %s\n' "$(date -u +%T)" "$*" >&2; }
ptier_die() { printf 'package tier: %s\n' "$*" >&2; exit 1; }

# One line per check in $PTIER_RESULTS and on stdout: PASS or FAIL, its name, and for a failure
# why. A failed check does not stop the tier; the verdict at the end counts them.
ptier_pass() { printf 'PASS %s\n' "$1" | tee -a "$PTIER_RESULTS"; }
ptier_fail() { printf 'FAIL %s: %s\n' "$1" "$2" | tee -a "$PTIER_RESULTS"; }
# ptier_check NAME COMMAND...: PASS if the command exits 0, else FAIL with its last output lines.
ptier_check() {
    local name="$1" out; shift
    if out="$("$@" 2>&1)"; then
        ptier_pass "$name"
        [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/    /' | tail -n 20
    else
        ptier_fail "$name" "exit $?"
        printf '%s\n' "$out" | sed 's/^/    /' | tail -n 30
    fi
}
