# Check 8: the step "Check what the machine sees" of hardware/README.md, word for word, with
# gpio-sim line GPIO17 of gpiochip0 standing in for the documented wiring: a push button between
# GPIO17 and GND, no resistor, the line's internal pull-up on, so high at rest and low while
# pressed (active-low). The commands are taken from that step's code block (the README is copied
# into the initramfs), so a change to the doc changes what runs here. Presses are read from
# listen's human output, as a reader of the doc sees it.
need_clickbridge
doc=/ktier/hardware-README.md
[ -f "$doc" ] || fail "hardware/README.md is not in the initramfs"

# The first code block under the step "Check what the machine sees" (its number may change).
awk '/^## / { if (s) exit; s = /Check what the machine sees/; next } s && /^```/ { if (b) exit; b = 1; next } b' "$doc" > /tmp/walk-step2
sed 's/^/      /' /tmp/walk-step2 | while IFS= read -r l; do say "$l"; done
# A command line of that block: the text before its comment.
step2() { grep -m1 "^$1" /tmp/walk-step2 | sed 's/[[:space:]]*#.*$//'; }
doctor_cmd=$(step2 'clickbridge doctor')
listen_cmd=$(step2 'clickbridge listen --gpio ')
[ -n "$doctor_cmd" ] || fail "hardware/README.md "Check what the machine sees" has no 'clickbridge doctor' line"
[ -n "$listen_cmd" ] || fail "hardware/README.md "Check what the machine sees" has no 'clickbridge listen --gpio' line"
set -f    # the doc's words are arguments, never globs

# "clickbridge doctor": it must run to its end (0: nothing to fix, 1: something to fix), not crash,
# and show what the walk-through is about to use.
$doctor_cmd > /tmp/walk-doctor.out 2> /tmp/walk-doctor.err; rc=$?
not_built_yet /tmp/walk-doctor.err
say "\$ $doctor_cmd   -> exit status $rc; its lines about the API, gpiochip0, GPIO17 and problems:"
grep -E 'libgpiod|gpiochip0|GPIO17|[Pp]roblem' /tmp/walk-doctor.out | sed 's/^/      /' | while IFS= read -r l; do say "$l"; done
expect "'$doctor_cmd' exits normally (status $rc; 0 or 1 are its documented statuses; stderr: $(head -n2 /tmp/walk-doctor.err))" \
    test $rc -le 1
expect "it shows gpiochip0 and its line GPIO17" sh -c "grep -q gpiochip0 /tmp/walk-doctor.out && grep -q GPIO17 /tmp/walk-doctor.out"

# Before ClickBridge runs, nothing pulls the line up: it reads low (as GPIO17 does on a Pi, whose
# pin defaults to pull-down). The simulated pull is the button: pull-down while it is pressed (the
# button shorts GPIO17 to GND), pull-up when released (the internal pull-up holds the line again).
pull=$GPIO_SIM/sim_gpio$WALK_LINE/pull
sim_pull $WALK_LINE pull-down
set -- $listen_cmd
[ "$1 $2" = "clickbridge listen" ] || fail "unexpected walk-through command: $listen_cmd"
shift 2
listen_start walk "$@"
wait_line_used $WALK_LINE 15 || { not_built_yet /tmp/walk.err; fail "'$listen_cmd' never requested GPIO17: $(head -n3 /tmp/walk.err)"; }
listen_alive walk || fail "'$listen_cmd' exited: $(head -n3 /tmp/walk.err)"
say "\$ $listen_cmd"
say "the kernel's view: $(gpioline-info "$GPIO_CHIP" $WALK_LINE)"
rest=$(sim_value $WALK_LINE)
expect "at rest GPIO17 reads high: ClickBridge turned its internal pull-up on (value $rest)" test "$rest" = 1

# A 120 ms click; once its press is shown, a double click: down 0, up 100, down 300, up 380 ms.
gpiosim-drive "$pull" low@0 high@120 > /tmp/walk-click.out || fail "gpiosim-drive failed: $(cat /tmp/walk-click.out)"
wait_for_presses walk 1 5
gpiosim-drive "$pull" low@0 high@100 low@300 high@380 > /tmp/walk-double.out || fail "gpiosim-drive failed: $(cat /tmp/walk-double.out)"
# A double click decided late (at the second press's LONG deadline) comes about 1.9 s after the
# first write: wait long enough to see it, and judge its timing below.
wait_for_presses walk 2 5
listen_stop walk
while IFS= read -r l; do say "listen's stderr: $l"; done < /tmp/walk.err

edges_of walk > /tmp/walk-edges
say "edges: $(paste -sd' ' /tmp/walk-edges)"
presses_of walk > /tmp/walk-presses
# Each press against its own gestures: times in ms from the gesture's first write.
describe() {  # describe GESTURE DRIVE-OUTPUT PRESS-LINE
    local start last
    start=$(sed -n '1s/^write [a-z]* at //p' "$2"); last=$(sed -n '$s/^write [a-z]* at //p' "$2")
    echo "$3" | awk -v g="$1" -v s="$start" -v l="$last" '{
        printf "%s: %s pressed at %+.1f ms, decided at %+.1f ms (%.1f ms after the last release)\n",
            g, $1, ($2 - s) * 1000, ($3 - s) * 1000, ($3 - l) * 1000 }'
}
n=$(grep -c . /tmp/walk-presses)
[ "$n" -ge 1 ] && say "$(describe "click (down 0, up 120 ms)" /tmp/walk-click.out "$(sed -n 1p /tmp/walk-presses)")"
[ "$n" -ge 2 ] && say "$(describe "double click (down 0, up 100, down 300, up 380 ms)" /tmp/walk-double.out "$(sed -n 2p /tmp/walk-presses)")"
[ "$n" -gt 2 ] && sed -n '3,$p' /tmp/walk-presses | while read -r p; do say "and another press: $p"; done

types=$(click_types_of walk)
expect "the click and the double click print SINGLE then DOUBLE (got: ${types:-nothing})" test "$types" = "SINGLE DOUBLE"
click_down=$(sed -n '1s/^write low at //p' /tmp/walk-click.out)
expect "the SINGLE is timed from the click's press, the pull-down write (active-low)" \
    awk -v w="$click_down" 'NR == 1 { exit !($2 >= w && $2 <= w + 0.05) }' /tmp/walk-presses
double_up=$(sed -n '$s/^write high at //p' /tmp/walk-double.out)
expect "the DOUBLE is decided within 250 ms of the second release, not at a LONG deadline" \
    awk -v w="$double_up" 'NR == 2 { exit !($3 >= w && $3 <= w + 0.25) }' /tmp/walk-presses
pass "hardware/README.md \"Check what the machine sees\" as written ('$doctor_cmd', '$listen_cmd') on gpio-sim GPIO17 of gpiochip0, a button to GND with the internal pull-up: a 120 ms click printed SINGLE, a double click DOUBLE decided right after its second release"
