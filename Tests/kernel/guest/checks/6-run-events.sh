# Check 6: `clickbridge run` with a config naming the gpio-sim line and the uinput key publishes
# SINGLE, DOUBLE and LONG to its embedded service; the owner claims each device with
# `clickbridge claim` (initiate, a press, finalize) and `clickbridge events` (ListDeviceEvents
# through clickbridge's own client) then lists the presses. `status` and `check` find the chip
# when it is given by its label.
# timeout: 150
need_clickbridge
[ "$(cat /ktier/guest-binary)" = clickbridge ] || not_run "the guest binary is $(cat /ktier/guest-binary), which has no run command (CLICKBRIDGE_KERNEL_GUEST=probe)"
clickbridge run --config /nonexistent.yaml > /tmp/run-probe.out 2> /tmp/run-probe.err
not_built_yet /tmp/run-probe.err

endpoint=http://127.0.0.1:8787
gpio_dev=G030PMKTIER00001
key_dev=G030PMKTIER00002
kbd_start
kbd create || fail "uinput-kbd could not create the keyboard: $(cat $KBD_OUT)"
dev=$(kbd_device)
sim_pull $BUTTON_LINE pull-up
cat > /tmp/run.yaml <<YAML
listen: 127.0.0.1:8787
buttons:
  - deviceId: $gpio_dev
    name: sim-button
    gpio: { chip: $GPIO_CHIP_NAME, line: BUTTON, bias: pull-up, activeLow: true }
  - deviceId: $key_dev
    name: virtual-key
    evdev: { device: $dev, key: KEY_ENTER }
YAML
say "config: $(tr '\n' ' ' < /tmp/run.yaml)"
clickbridge run --config /tmp/run.yaml > /tmp/run.out 2> /tmp/run.err 7>&- &
run=$!
wait_line_used $BUTTON_LINE 30 || { not_built_yet /tmp/run.err; fail "run never requested the GPIO line: $(tail -n3 /tmp/run.err)"; }
kill -0 $run 2>/dev/null || fail "run exited: $(tail -n3 /tmp/run.err)"
# The embedded service listens on 127.0.0.1:8787 (0x2253; state 0A is LISTEN in /proc/net/tcp).
wait_for /proc/net/tcp ':2253 00000000:0000 0A' 30 || fail "run's embedded service never listened on 127.0.0.1:8787: $(tail -n3 /tmp/run.err)"
say "run is up: $(head -n3 /tmp/run.out /tmp/run.err | tr '\n' ' ')"

# A chip given by its label is the chip run uses, so status and check must not call it missing.
sed "s/chip: $GPIO_CHIP_NAME,/chip: $GPIO_LABEL,/" /tmp/run.yaml > /tmp/run-label.yaml
clickbridge status --config /tmp/run-label.yaml > /tmp/status-label.out 2> /tmp/status-label.err
expect "status finds the chip given by its label $GPIO_LABEL ($(tr '\n' ' ' < /tmp/status-label.out) $(cat /tmp/status-label.err))" \
    grep -q "$gpio_dev  present" /tmp/status-label.out
clickbridge check --config /tmp/run-label.yaml > /tmp/check-label.out 2> /tmp/check-label.err
expect "check finds the chip given by its label $GPIO_LABEL ($(cat /tmp/check-label.err))" \
    sh -c '! grep -q "GPIO chip .* does not exist" /tmp/check-label.err'

gpio_press() {  # gpio_press single|double|long
    case $1 in
        single) gpiosim-drive "$GPIO_SIM/sim_gpio$BUTTON_LINE/pull" low@0 high@120 ;;
        double) gpiosim-drive "$GPIO_SIM/sim_gpio$BUTTON_LINE/pull" low@0 high@100 low@250 high@350 ;;
        long) gpiosim-drive "$GPIO_SIM/sim_gpio$BUTTON_LINE/pull" low@0 high@2000 ;;
    esac > /dev/null
}
key_press() {
    case $1 in
        single) kbd tap KEY_ENTER 120 ;;
        double) kbd tap KEY_ENTER 100; kbd sleep 150; kbd tap KEY_ENTER 100 ;;
        long) kbd tap KEY_ENTER 2000 ;;
    esac
}

# claim_with DEVICE PRESS-FUNCTION: the owner's claim waits for a press; press once a second
# until it finalizes (a press before the initiation does not count).
claim_with() {
    clickbridge claim "$1" --endpoint "$endpoint" --timeout 60s > "/tmp/claim-$1.out" 2> "/tmp/claim-$1.err" 7>&- &
    local claim=$! i=0
    while kill -0 $claim 2>/dev/null && [ $i -lt 30 ]; do "$2" single; sleep 1; i=$((i + 1)); done
    wait $claim
}

for pair in "$gpio_dev gpio_press" "$key_dev key_press"; do
    set -- $pair
    claim_with "$1" "$2"; rc=$?
    say "claim $1: status $rc: $(cat /tmp/claim-$1.out /tmp/claim-$1.err | tr '\n' ' ')"
    [ $rc -eq 0 ] || not_built_yet "/tmp/claim-$1.err"
    [ $rc -eq 0 ] || fail "clickbridge claim $1 failed (status $rc): $(tail -n1 /tmp/claim-$1.err)"
    sleep 1
    "$2" single; sleep 1
    "$2" double; sleep 1
    "$2" long; sleep 1
done
sleep 2     # the last decision and its publish

for d in $gpio_dev $key_dev; do
    clickbridge events "$d" --endpoint "$endpoint" > "/tmp/events-$d.out" 2> "/tmp/events-$d.err"; rc=$?
    sed 's/^/      /' "/tmp/events-$d.out" | while IFS= read -r l; do say "$l"; done
    [ $rc -eq 0 ] || not_built_yet "/tmp/events-$d.err"
    [ $rc -eq 0 ] || fail "clickbridge events $d failed (status $rc): $(tail -n1 /tmp/events-$d.err)"
    for t in SINGLE DOUBLE LONG; do
        expect "ListDeviceEvents for $d shows a $t" grep -q "$t" "/tmp/events-$d.out"
    done
done
kill -INT $run; wait $run
kbd_stop
pass "run published SINGLE, DOUBLE and LONG from the gpio-sim line ($gpio_dev) and the uinput key ($key_dev); both claimed; clickbridge events lists them"
