/*
 * gpiosim-drive: drives a gpio-sim line by writing its simulated pull, on a precise schedule.
 * Writing "pull-down" makes the line low (a pressed button wired to GND), "pull-up" makes it high.
 *
 *   gpiosim-drive PULLFILE STEP...
 *       STEP is low@MS or high@MS: the write happens MS milliseconds (fractions allowed) after the
 *       start, on an absolute schedule so slow steps do not shift later ones. Each write is logged:
 *       "write low at SECONDS" (CLOCK_MONOTONIC, taken just before the write).
 *
 *   gpiosim-drive --latency N --match TEXT PULLFILE
 *       N toggles, one at a time: write, then read stdin until a line containing TEXT arrives (the
 *       edge, as our source printed it), then the next. Prints p50/p99/max of write-to-arrival.
 *
 * Static build: gcc -static -O2 -o gpiosim-drive gpiosim-drive.c
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put(const char *file, int low) {
    const char *v = low ? "pull-down" : "pull-up";
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, v, strlen(v)) < 0) {
        fprintf(stderr, "gpiosim-drive: writing %s to %s: %s\n", v, file, strerror(errno));
        exit(1);
    }
    close(fd);
}

static int scripted(const char *file, int n, char **steps) {
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < n; i++) {
        char level[8];
        double ms;
        if (sscanf(steps[i], "%7[a-z]@%lf", level, &ms) != 2 || (strcmp(level, "low") && strcmp(level, "high"))) {
            fprintf(stderr, "gpiosim-drive: bad step '%s' (expected low@MS or high@MS)\n", steps[i]);
            return 2;
        }
        long long ns = start.tv_nsec + (long long)(ms * 1e6);
        struct timespec at = {start.tv_sec + ns / 1000000000LL, ns % 1000000000LL};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {}
        double t = now();
        put(file, level[0] == 'l');
        printf("write %s at %.9f\n", level, t);
    }
    return 0;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Reads stdin until a line containing `match` is complete, or the timeout passes. */
static int await_line(const char *match, int timeout_ms) {
    static char buf[65536];
    static size_t len;
    double deadline = now() + timeout_ms / 1e3;
    for (;;) {
        char *nl;
        while ((nl = memchr(buf, '\n', len))) {
            *nl = 0;
            int hit = strstr(buf, match) != NULL;
            len -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, len);
            if (hit) return 1;
        }
        int left = (int)((deadline - now()) * 1e3);
        struct pollfd p = {0, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, left) <= 0) return 0;
        ssize_t n = read(0, buf + len, sizeof buf - len - 1);
        if (n <= 0) return 0;
        len += (size_t)n;
    }
}

static int latency(const char *file, int n, const char *match) {
    double *lat = calloc((size_t)n, sizeof *lat);
    if (!lat) return 1;
    for (int i = 0; i < n; i++) {
        double t = now();
        put(file, i % 2 == 0);
        if (!await_line(match, 5000)) {
            fprintf(stderr, "gpiosim-drive: edge %d of %d never arrived within 5 s\n", i + 1, n);
            return 1;
        }
        lat[i] = now() - t;
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp);
    printf("latency edges=%d p50_us=%.0f p99_us=%.0f max_us=%.0f\n", n,
           lat[n / 2] * 1e6, lat[(n * 99) / 100] * 1e6, lat[n - 1] * 1e6);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 6 && !strcmp(argv[1], "--latency") && !strcmp(argv[3], "--match"))
        return latency(argv[5], atoi(argv[2]), argv[4]);
    if (argc >= 3 && argv[1][0] != '-') return scripted(argv[1], argc - 2, argv + 2);
    fprintf(stderr, "usage: gpiosim-drive PULLFILE low@MS|high@MS...\n"
                    "       gpiosim-drive --latency N --match TEXT PULLFILE < edges\n");
    return 2;
}
