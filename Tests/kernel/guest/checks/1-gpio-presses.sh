# Check 1: the GPIO source on a gpio-sim line, requested with pull-up bias and active-low, as a
# button wired to GND. gpiosim-drive writes the simulated pull on a schedule (low = pressed).
need_clickbridge
pull=$GPIO_SIM/sim_gpio$BUTTON_LINE/pull
sim_pull $BUTTON_LINE pull-up
listen_start gpio --gpio "$GPIO_CHIP_NAME:BUTTON" --bias pull-up --active-low
wait_line_used $BUTTON_LINE 15
listen_alive gpio || { not_built_yet /tmp/gpio.err; fail "listen --gpio exited: $(head -n3 /tmp/gpio.err)"; }
info=$(gpioline-info "$GPIO_CHIP" $BUTTON_LINE)
say "held: $info"
expect "the kernel shows the line requested with pull-up, active-low, both edges" \
    grep -q 'used=1 active_low=1 bias=pull-up edges=both' <<INFO
$info
INFO

# Times in ms from the start; the defaults apply: debounce 20 ms, long 1.5 s, double window 400 ms.
#   single: down 0, up 120                               -> SINGLE
#   double: down 1000, up 1100, down 1300, up 1380       -> DOUBLE
#   long:   down 2500, held to 4700                      -> LONG (at 4000, while held)
#   bouncy: down 5500 bouncing for 6 ms, up 5650 bouncing for 4 ms -> SINGLE
steps="low@0 high@120  low@1000 high@1100 low@1300 high@1380  low@2500 high@4700
       low@5500 high@5501.5 low@5503 high@5504 low@5506  high@5650 low@5651 high@5653 low@5653.5 high@5654"
gpiosim-drive "$pull" $steps > /tmp/drive1.out || fail "gpiosim-drive failed: $(cat /tmp/drive1.out)"
wait_for_presses gpio 4 5
listen_stop gpio

writes=$(grep -c '^write' /tmp/drive1.out)
edges_of gpio > /tmp/edges1
edges=$(grep -c . /tmp/edges1)
say "$writes pull writes -> $edges edges from our source (write time, then edge):"
paste -d' ' /tmp/drive1.out /tmp/edges1 > /tmp/pairs1
while read -r l; do say "  $l"; done < /tmp/pairs1
presses_of gpio | while read -r p; do say "press $p"; done

# The first 8 writes are at least 80 ms apart: each is exactly one edge, in order, with
# active-low applied (low = press), stamped on CLOCK_MONOTONIC at or after its write (a
# CLOCK_REALTIME stamp would be decades away from the write's CLOCK_MONOTONIC time).
expect "the first 8 writes (80 ms or more apart) gave 8 edges" test "$edges" -ge 8
want=$(head -n8 /tmp/drive1.out | cut -d' ' -f2 | sed 's/low/press/; s/high/release/' | paste -sd' ')
got=$(head -n8 /tmp/edges1 | cut -d' ' -f1 | paste -sd' ')
expect "they are press/release in write order ($got)" test "$want" = "$got"
expect "each is stamped on CLOCK_MONOTONIC at or after its write" \
    awk 'NR <= 8 { if ($6 + 0 < $4 + 0 || $6 + 0 > $4 + 5) exit 1 }' /tmp/pairs1
# The bouncy burst: writes 1 to 2 ms apart. Under TCG the kernel can merge such edges itself (a
# stalled vCPU delivers the line's interrupt after the next write), so the check holds our source
# to what must hold whatever the kernel merged: order, and the final level.
expect "all kernel timestamps strictly increase" awk 'NR > 1 && $2 + 0 <= prev { exit 1 } { prev = $2 + 0 }' /tmp/edges1
expect "the burst ends released, as the last write left the line" test "$(tail -n1 /tmp/edges1 | cut -d' ' -f1)" = release
[ "$edges" -eq "$writes" ] || say "note: the kernel delivered $edges edges for $writes writes (burst edges merged under emulation)"

types=$(click_types_of gpio)
expect "presses are SINGLE DOUBLE LONG SINGLE (got: $types)" test "$types" = "SINGLE DOUBLE LONG SINGLE"
# Each press is timed from the kernel timestamp of its first edge: edges 1, 3, 7, and the burst's
# first press edge.
burst_first=$(awk 'NR > 8 && $1 == "press" { print $2; exit }' /tmp/edges1)
want="$(sed -n '1p;3p;7p' /tmp/edges1 | cut -d' ' -f2 | paste -sd' ') $burst_first"
got=$(presses_of gpio | cut -d' ' -f2 | paste -sd' ')
expect "pressedAt is the first edge's kernel timestamp ($got)" test "$got" = "$want"
pass "pull-up + active-low line held as such; $edges edges for $writes writes, in order, increasing CLOCK_MONOTONIC kernel timestamps; presses $types timed from their first edges"
