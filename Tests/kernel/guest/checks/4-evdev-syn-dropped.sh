# Check 4: a flood the reader cannot keep up with makes the kernel drop events (SYN_DROPPED); our
# source resyncs through libevdev and no key is left stuck down.
need_clickbridge
kbd_start
kbd create || fail "uinput-kbd could not create the keyboard: $(cat $KBD_OUT)"
dev=$(kbd_device)
listen_start flood --evdev "$dev" --key KEY_ENTER
evdev-watch "$dev" > /tmp/watch4.out 7>&- & watch=$!
wait_for /tmp/watch4.out '^watching'
sleep 1
listen_alive flood || { not_built_yet /tmp/flood.err; fail "listen --evdev exited: $(head -n3 /tmp/flood.err)"; }

# Stop both readers so their buffers (64 events here) overflow: 500 taps are 2,000 events.
# The flood ends with the key released, so after the resync the key must be up.
kill -STOP "$(listen_pid flood)" $watch
kbd flood KEY_ENTER 500
kill -CONT "$(listen_pid flood)" $watch
sleep 3                        # longer than LONG (1.5 s): a key stuck down would show up as LONG
kill $watch; wait $watch
say "witness: $(tail -n1 /tmp/watch4.out)"
expect "the kernel really dropped events (witness saw SYN_DROPPED)" \
    awk '/^watch presses=/ { split($5, d, "="); exit !(d[2] >= 1) }' /tmp/watch4.out
after_flood=$(press_count flood)
say "presses decided from the flood's surviving events: $(click_types_of flood)"
case " $(click_types_of flood) " in *" LONG "*) fail "a LONG after the flood: the key was stuck down after the resync" ;; esac
say "ok: no LONG: the key is not stuck down after the resync"
listen_alive flood || fail "listen died after SYN_DROPPED: $(tail -n3 /tmp/flood.err)"

# A normal press afterwards is classified normally.
kbd tap KEY_ENTER 100
wait_for_presses flood $((after_flood + 1)) 5
last=$(presses_of flood | tail -n1 | cut -d' ' -f1)
say "press after the flood: $last"
expect "a tap after the resync is a SINGLE" test "$last" = SINGLE
# And a key held down across the overflow is seen as held, then released.
kill -STOP "$(listen_pid flood)"
kbd flood KEY_ENTER 300
kbd press KEY_ENTER
kill -CONT "$(listen_pid flood)"
kbd sleep 2000
kbd release KEY_ENTER
wait_for_presses flood $((after_flood + 2)) 5
last=$(presses_of flood | tail -n1 | cut -d' ' -f1)
say "key held across a second overflow, released 2 s later: $last"
expect "a key held through an overflow is a LONG press" test "$last" = LONG
listen_stop flood
kbd_stop
pass "SYN_DROPPED forced ($(awk '/^watch presses=/ {print $5}' /tmp/watch4.out) at the witness); resynced: no stuck key, next tap SINGLE, key held through an overflow LONG"
