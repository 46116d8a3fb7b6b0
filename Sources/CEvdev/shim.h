// libevdev plus what Swift cannot reach through it: the input_event time fields, whose names
// differ between 64-bit and 32-bit-with-64-bit-time ABIs, and KEY_MAX.
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <stdint.h>
#include <time.h>

/// The event's kernel timestamp in nanoseconds.
static inline int64_t cb_input_event_ns(const struct input_event *ev) {
    return (int64_t)ev->input_event_sec * 1000000000 + (int64_t)ev->input_event_usec * 1000;
}

static inline int cb_evdev_key_max(void) { return KEY_MAX; }
