# Shared by the host-side scripts of the kernel tier. Sourced, not run.

KTIER_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KTIER_REPO="$(cd "$KTIER_HERE/../.." && pwd)"

# The pruned kernel and the unpacked libgpiod 2.x packages live outside the clone, because CI
# starts from a fresh clone every time and must not download 125 MB on each run.
if [ -n "${CLICKBRIDGE_KERNEL_CACHE:-}" ]; then
    KTIER_CACHE="$CLICKBRIDGE_KERNEL_CACHE"
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    KTIER_CACHE="$XDG_CACHE_HOME/clickbridge-kernel-tier"
elif [ -w /var/cache ]; then
    KTIER_CACHE=/var/cache/clickbridge-kernel-tier
else
    KTIER_CACHE="$HOME/.cache/clickbridge-kernel-tier"
fi

# Scratch space for one run (initramfs, console log): inside the clone, git-ignored (.build*/).
KTIER_WORK="${CLICKBRIDGE_KERNEL_WORK:-$KTIER_REPO/.build-kernel-tier}"

export PATH="$PATH:/usr/sbin:/sbin"

ktier_log() { printf '[kernel-tier %s] %s\n' "$(date -u +%T)" "$*" >&2; }
ktier_die() { printf 'kernel tier: %s\n' "$*" >&2; exit 1; }

# The Debian mirror this machine's apt already uses (deb822 .sources or one-line sources.list).
# The tier never names a host of its own.
ktier_debian_mirror() {
    local m=""
    m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\{0,1\}[[:space:]]*$/\1/p' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
    [ -n "$m" ] || m=$(awk '$1=="deb" && $2 ~ /\/debian\/?$/ {sub(/\/$/,"",$2); print $2; exit}' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
    printf '%s\n' "$m"
}

# A private apt configuration: its own sources list, package lists and download cache under
# $KTIER_CACHE/apt, so the host's apt sources stay untouched and no sid package lands on the host.
ktier_apt_init() {
    local mirror; mirror=$(ktier_debian_mirror)
    [ -n "$mirror" ] || ktier_die "cannot fetch the kernel: no Debian mirror (a URI ending in /debian) in /etc/apt/sources.list or /etc/apt/sources.list.d/"
    KTIER_APT="$KTIER_CACHE/apt"
    mkdir -p "$KTIER_APT/lists/partial" "$KTIER_APT/archives/partial"
    {
        printf 'deb %s %s main\n' "$mirror" "${CLICKBRIDGE_KERNEL_SUITE:-sid}"
    } > "$KTIER_APT/sources.list"
    KTIER_APT_OPTS=(-o Dir::Etc::SourceList="$KTIER_APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists="$KTIER_APT/lists" -o Dir::Cache="$KTIER_APT" -o Dir::Cache::Archives="$KTIER_APT/archives"
        -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
}

ktier_apt_update() {
    [ "${KTIER_APT_UPDATED:-0}" = 1 ] && return 0
    ktier_log "apt-get update (private lists: $(awk '{print $3}' "$KTIER_APT/sources.list" | paste -sd' '), mirror $(ktier_debian_mirror))"
    apt-get "${KTIER_APT_OPTS[@]}" update -qq || ktier_die "cannot fetch the kernel: apt-get update against $(ktier_debian_mirror) failed (see above)"
    KTIER_APT_UPDATED=1
}

# The guest's console output as plain lines: no CRs, no terminal escape sequences from SeaBIOS.
ktier_console_text() { sed -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' "$1"; }
