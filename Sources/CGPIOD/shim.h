// One version-neutral libgpiod API for Swift, over libgpiod 1.6 (Debian 12, GPIO uAPI v1) and
// 2.x (Debian 13, uAPI v2), chosen at compile time: 1.x's gpiod.h defines
// GPIOD_LINE_BULK_MAX_LINES and 2.x's does not. Everything here is static inline so the system
// library module needs no C target of its own.
#include <gpiod.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef GPIOD_LINE_BULK_MAX_LINES
#define CB_GPIOD_API 1
#else
#define CB_GPIOD_API 2
#endif

/// 1 for libgpiod 1.x, 2 for 2.x: the API this module was compiled against.
static inline int cb_gpiod_api(void) { return CB_GPIOD_API; }

static inline const char *cb_gpiod_version(void) {
#if CB_GPIOD_API == 1
    return gpiod_version_string();
#else
    return gpiod_api_version();
#endif
}

enum cb_bias { CB_BIAS_AS_IS = 0, CB_BIAS_DISABLE = 1, CB_BIAS_PULL_UP = 2, CB_BIAS_PULL_DOWN = 3, CB_BIAS_UNKNOWN = 4 };

typedef struct cb_chip_info {
    char name[64];
    char label[64];
    unsigned int num_lines;
} cb_chip_info;

typedef struct cb_line_info {
    char name[64];
    char consumer[64];
    bool used;
    bool output;
    bool active_low;
    int bias; /* enum cb_bias */
} cb_line_info;

typedef struct cb_edge_event {
    uint64_t timestamp_ns;
    bool rising; /* logical: active-low already applied, so rising means inactive -> active */
} cb_edge_event;

static inline void cb__copy(char *dst, size_t size, const char *src) {
    if (!src) src = "";
    strncpy(dst, src, size - 1);
    dst[size - 1] = 0;
}

static inline struct gpiod_chip *cb_chip_open(const char *path) { return gpiod_chip_open(path); }
static inline void cb_chip_close(struct gpiod_chip *chip) { gpiod_chip_close(chip); }

static inline int cb_chip_get_info(struct gpiod_chip *chip, cb_chip_info *out) {
#if CB_GPIOD_API == 1
    cb__copy(out->name, sizeof out->name, gpiod_chip_name(chip));
    cb__copy(out->label, sizeof out->label, gpiod_chip_label(chip));
    out->num_lines = gpiod_chip_num_lines(chip);
    return 0;
#else
    struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
    if (!info) return -1;
    cb__copy(out->name, sizeof out->name, gpiod_chip_info_get_name(info));
    cb__copy(out->label, sizeof out->label, gpiod_chip_info_get_label(info));
    out->num_lines = (unsigned int)gpiod_chip_info_get_num_lines(info);
    gpiod_chip_info_free(info);
    return 0;
#endif
}

static inline int cb_chip_get_line_info(struct gpiod_chip *chip, unsigned int offset, cb_line_info *out) {
#if CB_GPIOD_API == 1
    struct gpiod_line *line = gpiod_chip_get_line(chip, offset);
    if (!line) return -1;
    if (gpiod_line_update(line) < 0) return -1;
    cb__copy(out->name, sizeof out->name, gpiod_line_name(line));
    cb__copy(out->consumer, sizeof out->consumer, gpiod_line_consumer(line));
    out->used = gpiod_line_is_used(line);
    out->output = gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
    out->active_low = gpiod_line_active_state(line) == GPIOD_LINE_ACTIVE_STATE_LOW;
    switch (gpiod_line_bias(line)) {
    case GPIOD_LINE_BIAS_DISABLE: out->bias = CB_BIAS_DISABLE; break;
    case GPIOD_LINE_BIAS_PULL_UP: out->bias = CB_BIAS_PULL_UP; break;
    case GPIOD_LINE_BIAS_PULL_DOWN: out->bias = CB_BIAS_PULL_DOWN; break;
    default: out->bias = CB_BIAS_UNKNOWN; break;
    }
    return 0;
#else
    struct gpiod_line_info *info = gpiod_chip_get_line_info(chip, offset);
    if (!info) return -1;
    cb__copy(out->name, sizeof out->name, gpiod_line_info_get_name(info));
    cb__copy(out->consumer, sizeof out->consumer, gpiod_line_info_get_consumer(info));
    out->used = gpiod_line_info_is_used(info);
    out->output = gpiod_line_info_get_direction(info) == GPIOD_LINE_DIRECTION_OUTPUT;
    out->active_low = gpiod_line_info_is_active_low(info);
    switch (gpiod_line_info_get_bias(info)) {
    case GPIOD_LINE_BIAS_DISABLED: out->bias = CB_BIAS_DISABLE; break;
    case GPIOD_LINE_BIAS_PULL_UP: out->bias = CB_BIAS_PULL_UP; break;
    case GPIOD_LINE_BIAS_PULL_DOWN: out->bias = CB_BIAS_PULL_DOWN; break;
    default: out->bias = CB_BIAS_UNKNOWN; break;
    }
    gpiod_line_info_free(info);
    return 0;
#endif
}

/// The offset of the line called `name` on this chip, or -1 (errno ENOENT when there is none).
static inline int cb_chip_find_line(struct gpiod_chip *chip, const char *name) {
#if CB_GPIOD_API == 1
    struct gpiod_line *line = gpiod_chip_find_line(chip, name);
    if (!line) return -1;
    return (int)gpiod_line_offset(line);
#else
    return gpiod_chip_get_line_offset_from_name(chip, name);
#endif
}

/// One requested input line with edge events on both edges.
typedef struct cb_line_request {
#if CB_GPIOD_API == 1
    struct gpiod_chip *chip; /* 1.x: the line belongs to its chip, which stays open */
    struct gpiod_line *line;
#else
    struct gpiod_line_request *request;
    struct gpiod_edge_event_buffer *buffer;
#endif
    unsigned int offset;
    int fd;
} cb_line_request;

enum { CB_EVENT_BATCH = 16 };

/// Requests `offset` of the chip at `chip_path` as an input with both edges, on the monotonic
/// clock. NULL with errno on failure (EBUSY: held by another consumer; EACCES: permission).
static inline cb_line_request *cb_line_request_open(const char *chip_path, unsigned int offset, int bias,
                                                    bool active_low, const char *consumer) {
    cb_line_request *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->offset = offset;
    int saved;
#if CB_GPIOD_API == 1
    r->chip = gpiod_chip_open(chip_path);
    if (!r->chip) goto fail;
    r->line = gpiod_chip_get_line(r->chip, offset);
    if (!r->line) goto fail;
    int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    switch (bias) {
    case CB_BIAS_DISABLE: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
    case CB_BIAS_PULL_UP: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
    case CB_BIAS_PULL_DOWN: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    default: break;
    }
    /* uAPI v1 event timestamps are CLOCK_MONOTONIC unless a realtime flag is given. */
    if (gpiod_line_request_both_edges_events_flags(r->line, consumer, flags) < 0) goto fail;
    r->fd = gpiod_line_event_get_fd(r->line);
#else
    struct gpiod_chip *chip = gpiod_chip_open(chip_path);
    if (!chip) goto fail;
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    struct gpiod_line_config *line_cfg = gpiod_line_config_new();
    struct gpiod_request_config *req_cfg = gpiod_request_config_new();
    int ok = settings && line_cfg && req_cfg;
    if (ok) {
        gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
        gpiod_line_settings_set_edge_detection(settings, GPIOD_LINE_EDGE_BOTH);
        gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC);
        gpiod_line_settings_set_active_low(settings, active_low);
        switch (bias) {
        case CB_BIAS_DISABLE: gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_DISABLED); break;
        case CB_BIAS_PULL_UP: gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_PULL_UP); break;
        case CB_BIAS_PULL_DOWN: gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_PULL_DOWN); break;
        default: gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_AS_IS); break;
        }
        gpiod_request_config_set_consumer(req_cfg, consumer);
        ok = gpiod_line_config_add_line_settings(line_cfg, &offset, 1, settings) == 0;
        if (ok) r->request = gpiod_chip_request_lines(chip, req_cfg, line_cfg);
    } else {
        errno = ENOMEM;
    }
    saved = errno;
    gpiod_line_settings_free(settings);
    gpiod_line_config_free(line_cfg);
    gpiod_request_config_free(req_cfg);
    gpiod_chip_close(chip); /* 2.x: a request lives on without its chip */
    errno = saved;
    if (!r->request) goto fail;
    r->buffer = gpiod_edge_event_buffer_new(CB_EVENT_BATCH);
    if (!r->buffer) goto fail;
    r->fd = gpiod_line_request_get_fd(r->request);
#endif
    /* Non-blocking, so a drain after a spurious wakeup returns EAGAIN instead of hanging. */
    int fl = fcntl(r->fd, F_GETFL);
    if (fl >= 0) fcntl(r->fd, F_SETFL, fl | O_NONBLOCK);
    return r;
fail:
    saved = errno;
#if CB_GPIOD_API == 1
    if (r->chip) gpiod_chip_close(r->chip);
#else
    if (r->request) gpiod_line_request_release(r->request);
#endif
    free(r);
    errno = saved;
    return NULL;
}

static inline int cb_line_request_fd(cb_line_request *r) { return r->fd; }

/// The logical value (1: active, the button is pressed), or -1 with errno.
static inline int cb_line_request_get_value(cb_line_request *r) {
#if CB_GPIOD_API == 1
    return gpiod_line_get_value(r->line);
#else
    return gpiod_line_request_get_value(r->request, r->offset);
#endif
}

/// Reads up to `max` queued edge events without blocking: the count, 0 when none is queued, or
/// -1 with errno.
static inline int cb_line_request_read(cb_line_request *r, cb_edge_event *out, unsigned int max) {
    if (max > CB_EVENT_BATCH) max = CB_EVENT_BATCH;
#if CB_GPIOD_API == 1
    struct gpiod_line_event events[CB_EVENT_BATCH];
    int n = gpiod_line_event_read_multiple(r->line, events, max);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    for (int i = 0; i < n; i++) {
        out[i].timestamp_ns = (uint64_t)events[i].ts.tv_sec * 1000000000u + (uint64_t)events[i].ts.tv_nsec;
        out[i].rising = events[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
    }
    return n;
#else
    int n = gpiod_line_request_read_edge_events(r->request, r->buffer, max);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    for (int i = 0; i < n; i++) {
        struct gpiod_edge_event *ev = gpiod_edge_event_buffer_get_event(r->buffer, (unsigned long)i);
        out[i].timestamp_ns = gpiod_edge_event_get_timestamp_ns(ev);
        out[i].rising = gpiod_edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_RISING_EDGE;
    }
    return n;
#endif
}

static inline void cb_line_request_release(cb_line_request *r) {
    if (!r) return;
#if CB_GPIOD_API == 1
    gpiod_line_release(r->line);
    gpiod_chip_close(r->chip);
#else
    gpiod_line_request_release(r->request);
    gpiod_edge_event_buffer_free(r->buffer);
#endif
    free(r);
}
