// libevdev plus the two things Swift cannot reach through it: ioctl request macros and the
// input_event time fields, whose names differ between 64-bit and 32-bit-with-64-bit-time ABIs.
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <stdint.h>
#include <time.h>

/// Makes the kernel timestamp this reader's events on CLOCK_MONOTONIC (the default is realtime),
/// so they share a clock with the timers of the press detector. 0, or -1 with errno.
static inline int cb_evdev_set_clock_monotonic(int fd) {
    int clock = CLOCK_MONOTONIC;
    return ioctl(fd, EVIOCSCLOCKID, &clock);
}

/// The event's kernel timestamp in nanoseconds.
static inline int64_t cb_input_event_ns(const struct input_event *ev) {
    return (int64_t)ev->input_event_sec * 1000000000 + (int64_t)ev->input_event_usec * 1000;
}

/// Builds an input_event (for tests and for replaying recorded sequences into the decoder).
static inline struct input_event cb_input_event_make(int64_t ns, uint16_t type, uint16_t code, int32_t value) {
    struct input_event ev = {0};
    ev.input_event_sec = ns / 1000000000;
    ev.input_event_usec = (ns % 1000000000) / 1000;
    ev.type = type;
    ev.code = code;
    ev.value = value;
    return ev;
}

static inline int cb_evdev_key_max(void) { return KEY_MAX; }
