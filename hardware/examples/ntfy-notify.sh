#!/bin/sh
# A ClickBridge exec action: sends a readable ntfy notification for a press.
# Usage in the config: exec: ["/usr/local/bin/ntfy-notify.sh", "https://ntfy.sh/YOUR-TOPIC"]
# Needs curl (apt install curl). For a protected topic, add: -H "Authorization: Bearer tk_…"
set -eu
topic_url=$1
case $CLICKBRIDGE_CLICK_TYPE in
    SINGLE) tags=white_check_mark; priority=default ;;
    DOUBLE) tags=v; priority=default ;;
    LONG)   tags=warning; priority=high ;;
    *)      tags=question; priority=default ;;
esac
# --max-time stays under the action's default 10 s timeout, so curl reports its own error.
exec curl --silent --show-error --fail --max-time 8 \
    -H "Title: $CLICKBRIDGE_BUTTON: $CLICKBRIDGE_CLICK_TYPE" \
    -H "Tags: $tags" -H "Priority: $priority" \
    -d "$CLICKBRIDGE_CLICK_TYPE press on $CLICKBRIDGE_BUTTON ($CLICKBRIDGE_DEVICE_ID) at $CLICKBRIDGE_REPORTED_TIME" \
    "$topic_url"
