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
say "$writes pull writes -> $(wc -l < /tmp/edges1) edges from our source:"
paste -d' ' /tmp/drive1.out /tmp/edges1 | sed 's/^/      /' | while read -r l; do say "$l"; done
presses_of gpio | while read -r p; do say "press $p"; done

# Every write is one edge, in order: low (pressed, active-low) is a "press" edge.
expect "one edge per write ($writes)" test "$(wc -l < /tmp/edges1)" -eq "$writes"
want=$(sed -n 's/^write \(low\|high\) .*/\1/p' /tmp/drive1.out | sed 's/low/press/; s/high/release/' | paste -sd' ')
got=$(cut -d' ' -f1 /tmp/edges1 | paste -sd' ')
expect "edges in order, active-low applied (low = press)" test "$want" = "$got"
# Kernel timestamps: strictly increasing, on the monotonic clock (each edge at or after the
# CLOCK_MONOTONIC instant its write began, and before the check read it).
expect "kernel timestamps strictly increase" awk 'NR>1 && $2+0 <= prev {exit 1} {prev=$2+0}' /tmp/edges1
paste -d' ' /tmp/drive1.out /tmp/edges1 > /tmp/pairs1
# (A CLOCK_REALTIME stamp would be decades away from the CLOCK_MONOTONIC write time.)
expect "each edge's timestamp is on CLOCK_MONOTONIC, at or after its write" \
    awk '{ if ($6+0 < $4+0 || $6+0 > $4+5) exit 1 }' /tmp/pairs1

types=$(click_types_of gpio)
expect "presses are SINGLE DOUBLE LONG SINGLE (got: $types)" test "$types" = "SINGLE DOUBLE LONG SINGLE"
# Each press is timed from the kernel timestamp of its first edge (edges 1, 3, 7 and 9).
want=$(sed -n '1p;3p;7p;9p' /tmp/edges1 | cut -d' ' -f2 | paste -sd' ')
got=$(presses_of gpio | cut -d' ' -f2 | paste -sd' ')
expect "pressedAt is the first edge's kernel timestamp ($got vs $want)" \
    awk -v a="$got" -v b="$want" 'BEGIN { n = split(a, x); split(b, y); if (n != 4) exit 1
        for (i = 1; i <= n; i++) if (x[i] - y[i] > 0.000001 || y[i] - x[i] > 0.000001) exit 1 }'
pass "pull-up + active-low line: $writes edges in order with increasing monotonic kernel timestamps; presses $types"
