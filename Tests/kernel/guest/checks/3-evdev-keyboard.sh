# Check 3: a uinput keyboard through the evdev source: monotonic timestamps, autorepeat ignored,
# grab honored, and the device removed and re-created while listen keeps running.
need_clickbridge
kbd_start
kbd create || fail "uinput-kbd could not create the keyboard: $(cat $KBD_OUT)"
dev=$(kbd_device)
say "virtual keyboard at $dev"

# --- monotonic clock and autorepeat, without a grab; evdev-watch is the independent witness.
evdev-watch "$dev" > /tmp/watch3.out 7>&- & watch=$!
wait_for /tmp/watch3.out '^watching'
listen_start kb --evdev "$dev" --key KEY_ENTER
listen_ready kb
listen_alive kb || { not_built_yet /tmp/kb.err; fail "listen --evdev exited: $(head -n3 /tmp/kb.err)"; }
before=$(cut -d' ' -f1 /proc/uptime)
kbd tap KEY_ENTER 100                  # SINGLE
kbd sleep 700
kbd press KEY_ENTER                    # held 2 s: the kernel autorepeats it (EV_REP) -> LONG
kbd repeat KEY_ENTER 5                 # and explicit value-2 events too
kbd sleep 2000
kbd release KEY_ENTER
wait_for_presses kb 2 5
after=$(cut -d' ' -f1 /proc/uptime)
kill $watch; wait $watch
say "witness: $(tail -n1 /tmp/watch3.out)"
edges_of kb > /tmp/edges3
say "edges: $(paste -sd' ' /tmp/edges3)"
say "presses: $(presses_of kb | paste -sd';' )"
expect "the kernel really sent autorepeats (witness repeats > 5)" \
    awk '/^watch presses=/ { split($4, r, "="); exit !(r[2] > 5) }' /tmp/watch3.out
expect "our source saw exactly press release press release (no repeat became an edge)" \
    test "$(cut -d' ' -f1 /tmp/edges3 | paste -sd' ')" = "press release press release"
# /proc/uptime follows CLOCK_BOOTTIME, equal to CLOCK_MONOTONIC in a guest that never suspends;
# the evdev default, CLOCK_REALTIME, would be decades away.
expect "edge timestamps are monotonic-clock times between $before and $after" \
    awk -v lo="$before" -v hi="$after" '{ if ($2 + 0 < lo - 0.01 || $2 + 0 > hi + 0.01) exit 1 }' /tmp/edges3
types=$(click_types_of kb)
expect "presses are SINGLE LONG (got: $types)" test "$types" = "SINGLE LONG"
listen_stop kb

# --- grab: while our source grabs the device, another reader sees nothing.
listen_start grab --evdev "$dev" --key KEY_ENTER --grab
listen_ready grab
listen_alive grab || fail "listen --evdev --grab exited: $(head -n3 /tmp/grab.err)"
evdev-watch "$dev" > /tmp/watch3g.out 7>&- & watch=$!
wait_for /tmp/watch3g.out '^watching'
kbd tap KEY_ENTER 100
wait_for_presses grab 1 5
kill $watch; wait $watch
say "while grabbed, witness: $(tail -n1 /tmp/watch3g.out); listen: $(click_types_of grab)"
expect "listen --grab got the press" test "$(click_types_of grab)" = SINGLE
expect "the other reader saw nothing while grabbed" grep -q 'presses=0 releases=0 ' /tmp/watch3g.out
listen_stop grab

# --- removal and re-creation, with listen running throughout.
listen_start replug --evdev "$dev" --key KEY_ENTER
listen_ready replug
kbd tap KEY_ENTER 100
wait_for_presses replug 1 5
kbd destroy
sleep 1
listen_alive replug || fail "listen exited when the device was removed: $(tail -n3 /tmp/replug.err)"
say "after removal, listen is still running; its stderr: $(tail -n1 /tmp/replug.err)"
kbd create
dev2=$(kbd_device)
say "re-created at $dev2"
[ "$dev2" = "$dev" ] || say "note: the node changed from $dev to $dev2"
sleep 1
kbd tap KEY_ENTER 100
kbd sleep 600
kbd tap KEY_ENTER 100
wait_for_presses replug 3 5
types=$(click_types_of replug)
listen_stop replug
kbd_stop
say "presses across the replug: $types"
expect "presses before and after re-creation, no restart (SINGLE SINGLE SINGLE)" test "$types" = "SINGLE SINGLE SINGLE"
pass "monotonic timestamps; $(awk '/^watch presses=/ {print $4}' /tmp/watch3.out) autorepeats ignored (presses SINGLE LONG); grab hid the key from another reader; removal and re-creation picked up without restart"
