# The simulated hardware of the guest, and small helpers the checks share. Sourced.

# A gpio-sim chip through configfs: one bank of 32 lines, a named button line, a line for the
# latency run, and GPIO17 at offset 17 as on a Raspberry Pi's header chip, for the walk-through of
# hardware/README.md (check 8). Writes what the checks need to /tmp/gpio.env.
make_gpio_sim() {
    local g=/sys/kernel/config/gpio-sim/clickbridge
    free_gpiochip0
    mkdir "$g" "$g/bank0" || return 1
    echo 32 > "$g/bank0/num_lines"
    echo clickbridge-sim > "$g/bank0/label"
    mkdir "$g/bank0/line3" && echo BUTTON > "$g/bank0/line3/name"
    mkdir "$g/bank0/line5" && echo LATENCY > "$g/bank0/line5/name"
    mkdir "$g/bank0/line17" && echo GPIO17 > "$g/bank0/line17/name"
    echo 1 > "$g/live" || return 1
    local dev chip
    dev=$(cat "$g/dev_name"); chip=$(cat "$g/bank0/chip_name")
    cat > /tmp/gpio.env <<ENV
GPIO_CHIP=/dev/$chip
GPIO_CHIP_NAME=$chip
GPIO_LABEL=clickbridge-sim
GPIO_SIM=/sys/devices/platform/$dev/$chip
BUTTON_LINE=3
LATENCY_LINE=5
WALK_LINE=17
ENV
    . /tmp/gpio.env
}

# The board's own GPIO chips are unbound from their drivers before the simulated one is made, so
# that the simulated bank is gpiochip0 as the walk-through expects. The PC board has none; arm64's
# virt board has a PL061 (built into Debian's kernel) wired to its power button, whose driver
# (gpio-keys) is a module the guest never loads, so nothing uses the chip.
free_gpiochip0() {
    local c dev
    for c in /sys/bus/gpio/devices/gpiochip*; do
        [ -e "$c" ] || continue
        dev=$(dirname "$(readlink -f "$c")")
        [ -e "$dev/driver/unbind" ] || continue
        echo "KTIER boot: unbinding ${dev##*/} (driver $(basename "$(readlink -f "$dev/driver")"), ${c##*/}) so the simulated chip is gpiochip0"
        echo "${dev##*/}" > "$dev/driver/unbind"
    done
}
[ -f /tmp/gpio.env ] && . /tmp/gpio.env

# The level the simulated outside world pulls a line to: "pull-up" (released button) or "pull-down".
sim_pull() { echo "$2" > "$GPIO_SIM/sim_gpio$1/pull"; }
sim_value() { cat "$GPIO_SIM/sim_gpio$1/value"; }

# wait_for FILE PATTERN [SECONDS]: waits until FILE has a line matching the extended regex.
wait_for() {
    local i=0 limit=$(( ${3:-10} * 20 ))
    while ! grep -qE "$2" "$1" 2>/dev/null; do
        i=$((i + 1)); [ $i -ge $limit ] && return 1
        sleep 0.05
    done
}

# The virtual keyboard: uinput-kbd reads commands from a FIFO; kbd sends one and waits for its "ok".
KBD_OUT=/tmp/kbd.out
# Background jobs started after kbd_start must get `7>&-`, or they keep the FIFO open and the
# keyboard outlives the check.
kbd_start() {
    rm -f /tmp/kbd.fifo; mkfifo /tmp/kbd.fifo
    uinput-kbd < /tmp/kbd.fifo > "$KBD_OUT" 2>&1 &
    KBD_PID=$!
    exec 7> /tmp/kbd.fifo
    KBD_SEQ=0
}
kbd() {
    KBD_SEQ=$((KBD_SEQ + 1))
    echo "$*" >&7
    wait_for "$KBD_OUT" "^(ok $KBD_SEQ |error)" 60 && ! grep -q '^error' "$KBD_OUT"
}
kbd_device() { sed -n 's/^created //p' "$KBD_OUT" | tail -n1; }
# kbd_stop: closes the FIFO; the helper removes the keyboard at end of input and exits.
kbd_stop() { exec 7>&-; wait "$KBD_PID" 2>/dev/null; }

# wait_line_used OFFSET [SECONDS]: waits until someone holds the line (the kernel says used=1).
wait_line_used() {
    local i=0 limit=$(( ${2:-10} * 20 ))
    until gpioline-info "$GPIO_CHIP" "$1" | grep -q ' used=1 '; do
        i=$((i + 1)); [ $i -ge $limit ] && return 1
        sleep 0.05
    done
}
