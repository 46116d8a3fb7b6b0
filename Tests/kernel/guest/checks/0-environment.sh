# Check 0: the simulated hardware itself works, with no ClickBridge code involved. If this fails,
# the kernel or the fixtures are broken, not our sources.
say "gpio-sim chip $GPIO_CHIP, sysfs $GPIO_SIM"
expect "the chip device exists" test -c "$GPIO_CHIP"
sim_pull $BUTTON_LINE pull-down
v_low=$(sim_value $BUTTON_LINE)
sim_pull $BUTTON_LINE pull-up
v_high=$(sim_value $BUTTON_LINE)
expect "writing sim_gpio$BUTTON_LINE/pull moves the line (pull-down -> $v_low, pull-up -> $v_high)" \
    test "$v_low$v_high" = 01
info=$(gpioline-info "$GPIO_CHIP" $BUTTON_LINE)
say "$info"
expect "the line carries its configured name" test "${info#*name=\"BUTTON\"}" != "$info"

kbd_start
expect "uinput-kbd creates a virtual keyboard" kbd create
dev=$(kbd_device)
evdev-watch "$dev" > /tmp/watch0.out 7>&- &
w=$!
wait_for /tmp/watch0.out '^watching'
kbd tap KEY_ENTER 10
kbd tap KEY_A 10
kill $w; wait $w
say "$(tail -n1 /tmp/watch0.out) on $dev"
expect "an evdev reader sees the 2 taps" grep -q 'presses=2 releases=2 ' /tmp/watch0.out
kbd destroy
kbd_stop
pass "gpio-sim line $BUTTON_LINE follows its simulated pull; uinput keyboard $dev delivers key events to evdev"
