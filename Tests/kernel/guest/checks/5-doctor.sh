# Check 5: `clickbridge doctor` lists the simulated chip with its lines and the virtual keyboard
# with its keys.
need_clickbridge
kbd_start
kbd create || fail "uinput-kbd could not create the keyboard: $(cat $KBD_OUT)"
dev=$(kbd_device)
clickbridge doctor > /tmp/doctor.out 2> /tmp/doctor.err; rc=$?
kbd destroy; kbd_stop
not_built_yet /tmp/doctor.err
sed 's/^/      /' /tmp/doctor.out | while IFS= read -r l; do say "$l"; done
expect "doctor exits 0 (status $rc; stderr: $(head -n2 /tmp/doctor.err))" test $rc -eq 0
expect "the binary uses libgpiod's 2.x API (the guest kernel has no uAPI v1)" grep -q 'libgpiod 2\..*(API 2)' /tmp/doctor.out
expect "it lists the chip $GPIO_CHIP_NAME" grep -q "$GPIO_CHIP_NAME" /tmp/doctor.out
expect "with its label $GPIO_LABEL" grep -q "$GPIO_LABEL" /tmp/doctor.out
expect "and its named lines BUTTON and LATENCY" sh -c "grep -q BUTTON /tmp/doctor.out && grep -q LATENCY /tmp/doctor.out"
expect "it lists the keyboard clickbridge-test-keyboard at $dev" \
    sh -c "grep -q clickbridge-test-keyboard /tmp/doctor.out && grep -q '$dev' /tmp/doctor.out"
expect "with its keys (KEY_ENTER, KEY_A, KEY_SPACE)" \
    sh -c "grep -q KEY_ENTER /tmp/doctor.out && grep -q KEY_A /tmp/doctor.out && grep -q KEY_SPACE /tmp/doctor.out"
pass "doctor lists $GPIO_CHIP_NAME ($GPIO_LABEL) with lines BUTTON, LATENCY, and clickbridge-test-keyboard ($dev) with KEY_ENTER, KEY_A, KEY_SPACE"
