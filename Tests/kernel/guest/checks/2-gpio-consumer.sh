# Check 2: while our source holds a line, the kernel shows our consumer name, and a second request
# for the same line fails with a clear one-line "busy, held by ..." error.
need_clickbridge
listen_start holder --gpio "$GPIO_CHIP_NAME:$BUTTON_LINE"
wait_line_used $BUTTON_LINE 15 || { not_built_yet /tmp/holder.err; fail "listen --gpio never requested the line: $(head -n3 /tmp/holder.err)"; }
info=$(gpioline-info "$GPIO_CHIP" $BUTTON_LINE)
say "held: $info"
consumer=$(printf '%s\n' "$info" | sed -n 's/.*consumer="\([^"]*\)".*/\1/p')
expect "the consumer name is visible and names clickbridge ('$consumer')" \
    sh -c "printf '%s' '$consumer' | grep -qi clickbridge"

start=$(cut -d' ' -f1 /proc/uptime)
clickbridge listen --gpio "$GPIO_CHIP_NAME:$BUTTON_LINE" > /tmp/second.out 2> /tmp/second.err &
second=$!
i=0; while kill -0 $second 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $second 2>/dev/null; then kill $second; fail "a second listen on the held line did not exit within 10 s"; fi
wait $second; rc=$?
say "second request: exit status $rc, stderr: $(cat /tmp/second.err)"
expect "the second request exits non-zero" test $rc -ne 0
expect "its error is one line" test "$(grep -c . /tmp/second.err)" -eq 1
expect "it says busy and names the holder '$consumer'" \
    sh -c "grep -qi busy /tmp/second.err && grep -qF '$consumer' /tmp/second.err"
listen_alive holder || fail "the first listen died when the second one failed"
listen_stop holder
expect "the line is free once listen exits" sh -c "gpioline-info $GPIO_CHIP $BUTTON_LINE | grep -q ' used=0 '"
pass "consumer \"$consumer\" visible while held; second request: \"$(cat /tmp/second.err)\"; line freed on exit"
