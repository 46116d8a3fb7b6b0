# Check 4: a flood the reader cannot keep up with makes the kernel drop events (SYN_DROPPED); our
# source resyncs the key's state through libevdev, so no key is left stuck down and no held key is
# missed. The reader is stopped (SIGSTOP) while KEY_A is flooded, so its 64-event buffer overflows
# and the KEY_ENTER change made just before is among the dropped events: only a resync can see it.
need_clickbridge
kbd_start
kbd create || fail "uinput-kbd could not create the keyboard: $(cat $KBD_OUT)"
dev=$(kbd_device)
listen_start flood --evdev "$dev" --key KEY_ENTER
listen_ready flood
listen_alive flood || { not_built_yet /tmp/flood.err; fail "listen --evdev exited: $(head -n3 /tmp/flood.err)"; }
pid=$(listen_pid flood)

# overflow WITNESS-FILE COMMAND...: the KEY_ENTER change COMMAND makes, then 500 KEY_A taps (2,000
# events), all while listen and a witness reader are stopped.
overflow() {
    local out=$1; shift
    evdev-watch "$dev" > "$out" 7>&- & local watch=$!
    wait_for "$out" '^watching'
    kill -STOP "$pid" $watch
    kbd "$@"
    kbd flood KEY_A 500
    kill -CONT "$pid" $watch
    kill $watch; wait $watch
    say "witness: $(tail -n1 "$out")"
    awk '/^watch presses=/ { split($5, d, "="); exit !(d[2] >= 1) }' "$out" \
        || fail "the flood did not overflow the witness reader (no SYN_DROPPED): $(tail -n1 "$out")"
}

# A: the release of a held key is lost in the overflow. Without a resync the key stays down and
# becomes a LONG; with it, the press is a short one.
kbd press KEY_ENTER
kbd sleep 200
overflow /tmp/watch4a.out release KEY_ENTER
sleep 3                        # longer than LONG (1.5 s): a key stuck down would show as LONG
types=$(click_types_of flood)
say "A: held key, its release dropped: presses $types"
case " $types " in *" LONG "*) fail "the key stayed stuck down after SYN_DROPPED (a LONG came)" ;; esac
expect "A: the press ends at the resync as a SINGLE" test "$types" = SINGLE

# B: the press of a key is lost in the overflow and the key stays held 2 s. Without a resync the
# press is never seen; with it, it is a LONG.
overflow /tmp/watch4b.out press KEY_ENTER
kbd sleep 2000
kbd release KEY_ENTER
wait_for_presses flood 2 5
types=$(click_types_of flood)
say "B: press dropped, key held 2 s: presses $types"
expect "B: the press recovered by the resync is a LONG" test "$types" = "SINGLE LONG"

# And a normal tap afterwards is classified normally.
kbd tap KEY_ENTER 100
wait_for_presses flood 3 5
types=$(click_types_of flood)
expect "a tap after both overflows is a SINGLE ($types)" test "$types" = "SINGLE LONG SINGLE"
listen_alive flood || fail "listen died after SYN_DROPPED: $(tail -n3 /tmp/flood.err)"
listen_stop flood
kbd_stop
pass "SYN_DROPPED forced twice (witness: $(awk '/^watch presses=/ {print $5}' /tmp/watch4a.out), $(awk '/^watch presses=/ {print $5}' /tmp/watch4b.out)); resync released a key whose release was dropped (no stuck key) and found a held key whose press was dropped (LONG); next tap SINGLE"
