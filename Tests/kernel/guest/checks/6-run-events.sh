# Check 6: `clickbridge run` with a config naming the gpio-sim line and the uinput key publishes
# SINGLE, DOUBLE and LONG to its embedded service; `clickbridge events` (the client, as the owner)
# then lists them through ListDeviceEvents.
need_clickbridge
clickbridge run --config /nonexistent.yaml > /tmp/run-probe.out 2> /tmp/run-probe.err
not_built_yet /tmp/run-probe.err
fail "clickbridge run is built, but this check has not been written against its configuration yet"
