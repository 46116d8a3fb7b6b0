#!/bin/sh
# A ClickBridge exec action: appends one line per press to a log file.
#
#   buttons:
#     - deviceId: G030PM0123456789
#       gpio: { chip: gpiochip0, line: GPIO17 }
#       on:
#         SINGLE: { exec: ["/usr/local/bin/press-log.sh", "/var/lib/clickbridge/presses.log"] }
#         DOUBLE: { exec: ["/usr/local/bin/press-log.sh", "/var/lib/clickbridge/presses.log"] }
#         LONG:   { exec: ["/usr/local/bin/press-log.sh", "/var/lib/clickbridge/presses.log"], timeout: 5s }
#
# Install: sudo install -m 755 press-log.sh /usr/local/bin/
#
# ClickBridge runs it with no shell and this environment only:
#   CLICKBRIDGE_CLICK_TYPE     SINGLE, DOUBLE or LONG
#   CLICKBRIDGE_DEVICE_ID      the button's deviceId
#   CLICKBRIDGE_BUTTON         the button's name (its source when it has no name)
#   CLICKBRIDGE_REPORTED_TIME  when the press was decided, ISO-8601 UTC with milliseconds
#   CLICKBRIDGE_EVENT_ID       the event's UUID, the same one the claim service stores
#   PATH                       /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# and the event JSON (the 1-Click button payload) on stdin. Its exit status and the last lines
# of its output go to the daemon's log; a non-zero status shows in `clickbridge status`.
set -eu

log=${1:-/tmp/clickbridge-presses.log}
payload=$(cat)    # {"deviceEvent":{"buttonClicked":{...}},"deviceInfo":{...}}

printf '%s %s %s %s %s\n' "$CLICKBRIDGE_REPORTED_TIME" "$CLICKBRIDGE_DEVICE_ID" \
    "$CLICKBRIDGE_BUTTON" "$CLICKBRIDGE_CLICK_TYPE" "$CLICKBRIDGE_EVENT_ID" >> "$log"
echo "logged $CLICKBRIDGE_CLICK_TYPE (${#payload} bytes of JSON on stdin)"
