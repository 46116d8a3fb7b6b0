# Check 7: hardware-path latency, from the sysfs write that makes an edge to the edge arriving out
# of our GPIO source (the edge line `listen` prints, read from its stdout pipe), over 1,000 edges.
# A measurement for BENCHMARKS.md, not a bound: under TCG emulation it is pessimistic.
need_clickbridge
pull=$GPIO_SIM/sim_gpio$LATENCY_LINE/pull
sim_pull $LATENCY_LINE pull-up
rm -f /tmp/lat.fifo; mkfifo /tmp/lat.fifo
exec 8<> /tmp/lat.fifo        # opened read-write first, so neither side blocks opening it
clickbridge listen --gpio "$GPIO_CHIP_NAME:LATENCY" > /tmp/lat.fifo 2> /tmp/lat.err &
pid=$!
wait_line_used $LATENCY_LINE 15 || { not_built_yet /tmp/lat.err; fail "listen --gpio never requested the line: $(head -n3 /tmp/lat.err)"; }
gpiosim-drive --latency 1000 --match 'edge ' "$pull" <&8 > /tmp/lat.out 2>&1; rc=$?
kill -INT $pid; wait $pid
say "$(cat /tmp/lat.out)"
[ $rc -eq 0 ] || fail "the latency run failed: $(cat /tmp/lat.out)"
pass "$(grep '^latency' /tmp/lat.out) (TCG-emulated guest: pessimistic)"
