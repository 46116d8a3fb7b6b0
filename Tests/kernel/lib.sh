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

# ---- Architectures. One code path; what differs per guest architecture is set here.
# Debian's names: amd64 (x86_64) and arm64 (aarch64). The guest is the host's architecture, except
# for the cross proof: CLICKBRIDGE_KERNEL_ARCH=arm64 on an amd64 host boots sid's arm64 kernel under
# qemu-system-aarch64 (TCG) with cross-compiled helpers and no clickbridge (no Swift cross SDK).
KTIER_HOST_ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
case $KTIER_HOST_ARCH in x86_64) KTIER_HOST_ARCH=amd64 ;; aarch64) KTIER_HOST_ARCH=arm64 ;; esac
KTIER_ARCH=${CLICKBRIDGE_KERNEL_ARCH:-$KTIER_HOST_ARCH}
case $KTIER_ARCH in x86_64) KTIER_ARCH=amd64 ;; aarch64) KTIER_ARCH=arm64 ;; esac
KTIER_CROSS=0
[ "$KTIER_ARCH" = "$KTIER_HOST_ARCH" ] || KTIER_CROSS=1

# ktier_unsupported: empty when this host can run the tier for KTIER_ARCH, else the reason.
ktier_unsupported() {
    case $KTIER_HOST_ARCH/$KTIER_ARCH in
        amd64/amd64 | arm64/arm64 | amd64/arm64) ;;
        arm64/amd64) echo "an amd64 guest on an arm64 host is not supported (only the arm64 guest on an amd64 host is, as a proof of the arm64 path)" ;;
        */amd64 | */arm64) echo "the host is $KTIER_HOST_ARCH; the tier runs on amd64 (x86_64) and arm64 (aarch64) hosts only (a 32-bit Raspberry Pi OS is armhf: no Swift toolchain, no arm64 guest)" ;;
        *) echo "CLICKBRIDGE_KERNEL_ARCH is '$KTIER_ARCH'; the tier knows amd64 and arm64" ;;
    esac
}

case $KTIER_ARCH in
    arm64)
        KTIER_QEMU=qemu-system-aarch64; KTIER_QEMU_PACKAGE=qemu-system-arm
        # The virt board; its PL011 UART is ttyAMA0. TCG: a Cortex-A72 (the Pi 4's core); "max"
        # would also emulate pointer authentication, which makes every kernel function call slow.
        KTIER_QEMU_MACHINE=virt; KTIER_TCG_CPU=cortex-a72; KTIER_CONSOLE=ttyAMA0
        KTIER_APPEND_ARCH=""
        KTIER_ELF_MACHINE="ARM aarch64"; KTIER_KCONFIG_ARCH=CONFIG_ARM64; KTIER_CROSS_PREFIX=aarch64-linux-gnu-
        KTIER_CROSS_PACKAGES=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
    *)
        KTIER_QEMU=qemu-system-x86_64; KTIER_QEMU_PACKAGE=qemu-system-x86
        # The default PC board, console on its 16550 UART. Sid's kernel decompressor needs BMI2, hence
        # -cpu max (qemu64 does not boot it). no_timer_check: on a loaded host the emulated timer can
        # miss the kernel's early IO-APIC timer test, which then panics ("IO-APIC + timer doesn't
        # work"); seen here at a host load of 20.
        KTIER_QEMU_MACHINE=""; KTIER_TCG_CPU=max; KTIER_CONSOLE=ttyS0
        KTIER_APPEND_ARCH="no_timer_check"
        KTIER_ELF_MACHINE="x86-64"; KTIER_KCONFIG_ARCH=CONFIG_X86_64; KTIER_CROSS_PREFIX=""
        KTIER_CROSS_PACKAGES=() ;;
esac
# Debian's kernel meta package: linux-image-amd64 or linux-image-arm64.
KTIER_KERNEL_META=linux-image-$KTIER_ARCH
# Cache entries per guest architecture. amd64 keeps the unsuffixed names it always had, so the
# caches of existing machines stay valid.
KTIER_ARCH_SUFFIX=""
[ "$KTIER_ARCH" = amd64 ] || KTIER_ARCH_SUFFIX="-$KTIER_ARCH"
KTIER_KERNEL_DIR="$KTIER_CACHE/kernel$KTIER_ARCH_SUFFIX"
# The C compiler for the guest's static helpers: the host's gcc, or the Debian cross compiler.
KTIER_CC="${KTIER_CROSS_PREFIX}gcc"

# ktier_accels: the accelerators to try, in order. CLICKBRIDGE_KERNEL_ACCEL=kvm|tcg forces one;
# auto (default) is KVM then TCG on an arm64 host whose /dev/kvm we may open, else TCG alone.
# amd64 stays TCG-only under auto: the x86 machines this was written on expose a /dev/kvm
# (kvm_pvm) that cannot boot a stock kernel, and QEMU's failure there is not always quick.
ktier_accels() {
    case ${CLICKBRIDGE_KERNEL_ACCEL:-auto} in
        kvm) echo kvm ;;
        tcg) echo tcg ;;
        auto)
            if [ "$KTIER_CROSS" = 0 ] && [ "$KTIER_ARCH" = arm64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
                echo kvm tcg
            else
                echo tcg
            fi ;;
        *) ktier_die "CLICKBRIDGE_KERNEL_ACCEL is '$CLICKBRIDGE_KERNEL_ACCEL'; use auto, kvm or tcg" ;;
    esac
}

# ktier_elf_check FILE WHAT [HINT]: FILE is a static executable for the guest's architecture.
ktier_elf_check() {
    local desc; desc=$(file -L "$1" 2>/dev/null || true)
    case $desc in *"statically linked"*) ;; *) ktier_die "$2 $1 is missing or not statically linked; the guest has no shared libraries${3:+ ($3)}: $desc" ;; esac
    case $desc in *"$KTIER_ELF_MACHINE"*) ;; *) ktier_die "$2 $1 is not an $KTIER_ARCH executable: $desc" ;; esac
}

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
# $KTIER_CACHE/apt (apt-arm64 for the arm64 guest), for the guest's architecture only, so the
# host's apt sources stay untouched and no sid package lands on the host.
ktier_apt_init() {
    local mirror; mirror=$(ktier_debian_mirror)
    [ -n "$mirror" ] || ktier_die "cannot fetch the kernel: no Debian mirror (a URI ending in /debian) in /etc/apt/sources.list or /etc/apt/sources.list.d/"
    KTIER_APT="$KTIER_CACHE/apt$KTIER_ARCH_SUFFIX"
    mkdir -p "$KTIER_APT/lists/partial" "$KTIER_APT/archives/partial"
    {
        printf 'deb %s %s main\n' "$mirror" "${CLICKBRIDGE_KERNEL_SUITE:-sid}"
    } > "$KTIER_APT/sources.list"
    KTIER_APT_OPTS=(-o Dir::Etc::SourceList="$KTIER_APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists="$KTIER_APT/lists" -o Dir::Cache="$KTIER_APT" -o Dir::Cache::Archives="$KTIER_APT/archives"
        -o Debug::NoLocking=1 -o APT::Sandbox::User=root
        -o APT::Architecture="$KTIER_ARCH" -o APT::Architectures::="$KTIER_ARCH")
}

ktier_apt_update() {
    [ "${KTIER_APT_UPDATED:-0}" = 1 ] && return 0
    ktier_log "apt-get update (private lists: $(awk '{print $3}' "$KTIER_APT/sources.list" | paste -sd' '), mirror $(ktier_debian_mirror))"
    apt-get "${KTIER_APT_OPTS[@]}" update -qq || ktier_die "cannot fetch the kernel: apt-get update against $(ktier_debian_mirror) failed (see above)"
    KTIER_APT_UPDATED=1
}

# ktier_guest_busybox: prints the path of a static busybox for the guest. Natively the host's
# (busybox-static, installed by host-tools); in the cross proof the suite's busybox-static for the
# guest's architecture, downloaded through the private apt configuration and unpacked with dpkg -x
# (nothing is installed), cached beside the kernel.
ktier_guest_busybox() {
    if [ "$KTIER_CROSS" = 0 ]; then echo /bin/busybox; return 0; fi
    local dir="$KTIER_CACHE/busybox$KTIER_ARCH_SUFFIX" stage found
    if [ ! -f "$dir/busybox" ]; then
        ktier_apt_init
        ktier_apt_update
        mkdir -p "$KTIER_CACHE"
        stage=$(mktemp -d "$KTIER_CACHE/busybox.XXXXXX")
        ktier_log "downloading busybox-static:$KTIER_ARCH from ${CLICKBRIDGE_KERNEL_SUITE:-sid} (dpkg -x; nothing is installed)"
        (cd "$stage" && apt-get "${KTIER_APT_OPTS[@]}" download -qq "busybox-static:$KTIER_ARCH" >&2) \
            || { rm -rf "$stage"; ktier_die "cannot fetch busybox-static:$KTIER_ARCH (see above)"; }
        dpkg -x "$stage"/busybox-static_*.deb "$stage/x"
        found=$(find "$stage/x" -path '*/bin/busybox' -type f | head -n1)
        [ -n "$found" ] || { rm -rf "$stage"; ktier_die "busybox-static:$KTIER_ARCH holds no busybox binary"; }
        mkdir -p "$dir"; cp "$found" "$dir/busybox"
        rm -rf "$stage"
    fi
    echo "$dir/busybox"
}

# The guest's console output as plain lines: no CRs, no terminal escape sequences from SeaBIOS.
ktier_console_text() { sed -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' "$1"; }
