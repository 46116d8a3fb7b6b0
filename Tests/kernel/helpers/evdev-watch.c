/*
 * evdev-watch: a second, independent reader of an evdev device for the kernel tier.
 *
 *   evdev-watch DEVICE        read until SIGTERM, then drain what is queued and print one line:
 *   watch presses=N releases=N repeats=N syn_dropped=N
 *
 * If the script stops it (SIGSTOP) while keys are flooded, its buffer overflows and the kernel
 * queues SYN_DROPPED: that is how the tier proves a flood really overflowed a reader.
 * It never grabs the device, so it also shows whether another reader's grab hides events. Static build: gcc -static -O2 -o evdev-watch evdev-watch.c
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long presses, releases, repeats, dropped;
static volatile sig_atomic_t done;

static void stop(int sig) { (void)sig; done = 1; }

static int drain(int fd) {
    struct input_event ev[64];
    for (;;) {
        ssize_t n = read(fd, ev, sizeof ev);
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        for (size_t i = 0; i < (size_t)n / sizeof ev[0]; i++) {
            if (ev[i].type == EV_KEY) {
                if (ev[i].value == 1) presses++;
                else if (ev[i].value == 0) releases++;
                else repeats++;
            } else if (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED) dropped++;
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: evdev-watch DEVICE\n"); return 2; }
    int fd = open(argv[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) { fprintf(stderr, "evdev-watch: %s: %s\n", argv[1], strerror(errno)); return 1; }
    printf("watching %s\n", argv[1]);
    fflush(stdout);
    struct sigaction sa = {0};
    sa.sa_handler = stop;              /* no SA_RESTART: the signal interrupts poll */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    while (!done) {
        struct pollfd p = {fd, POLLIN, 0};
        /* A bounded wait, so a SIGTERM landing just before poll cannot hang the reader. */
        if (poll(&p, 1, 200) > 0 && drain(fd) < 0) break;
    }
    drain(fd);
    printf("watch presses=%ld releases=%ld repeats=%ld syn_dropped=%ld\n", presses, releases, repeats, dropped);
    return 0;
}
