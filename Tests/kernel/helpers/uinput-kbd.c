/*
 * uinput-kbd: a virtual keyboard for the kernel tier, driven line by line from stdin so a guest
 * shell script can script it through a FIFO.
 *
 *   create [NAME]     create the keyboard (KEY_ENTER, KEY_A, KEY_B, KEY_SPACE, KEY_1, with EV_REP
 *                     so a held key autorepeats in the kernel); prints "created /dev/input/eventN"
 *   destroy           remove it (readers get ENODEV)
 *   press KEY | release KEY       one key event and a SYN_REPORT (KEY: KEY_ENTER, ENTER or 28)
 *   tap KEY MS        press, hold MS milliseconds, release
 *   repeat KEY N      N explicit autorepeat events (value 2)
 *   flood KEY N       N press/release pairs back to back, to overflow a reader's buffer
 *   sleep MS
 *
 * After each command it prints "ok SEQ COMMAND" so the script can wait for it to be done.
 * Static build: gcc -static -O2 -o uinput-kbd uinput-kbd.c
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct { const char *name; int code; } keys[] = {
    {"KEY_ENTER", KEY_ENTER}, {"KEY_A", KEY_A}, {"KEY_B", KEY_B}, {"KEY_SPACE", KEY_SPACE}, {"KEY_1", KEY_1},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static int fd = -1;

static void die(const char *what) {
    fprintf(stdout, "error %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static int key_code(const char *s) {
    char *end;
    long n = strtol(s, &end, 10);
    if (*s && !*end) return (int)n;
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(s, keys[i].name) || !strcmp(s, keys[i].name + 4)) return keys[i].code;
    return -1;
}

static void sleep_ms(double ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

static void emit(int type, int code, int value) {
    struct input_event ev = {0};
    ev.type = type; ev.code = code; ev.value = value;
    if (write(fd, &ev, sizeof ev) != sizeof ev) die("write");
}

static void key(int code, int value) { emit(EV_KEY, code, value); emit(EV_SYN, SYN_REPORT, 0); }

static void create(const char *name) {
    fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
    if (fd < 0) die("open /dev/uinput");
    if (ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0 || ioctl(fd, UI_SET_EVBIT, EV_REP) < 0) die("UI_SET_EVBIT");
    for (size_t i = 0; i < NKEYS; i++)
        if (ioctl(fd, UI_SET_KEYBIT, keys[i].code) < 0) die("UI_SET_KEYBIT");
    struct uinput_setup setup = {0};
    setup.id.bustype = BUS_VIRTUAL; setup.id.vendor = 0x1d6b; setup.id.product = 0x0c11;
    snprintf(setup.name, sizeof setup.name, "%s", name);
    if (ioctl(fd, UI_DEV_SETUP, &setup) < 0) die("UI_DEV_SETUP");
    if (ioctl(fd, UI_DEV_CREATE) < 0) die("UI_DEV_CREATE");

    /* Find the event node of the new input device and wait until devtmpfs shows it. */
    char sys[64] = "", path[300] = "";
    if (ioctl(fd, UI_GET_SYSNAME(sizeof sys), sys) < 0) die("UI_GET_SYSNAME");
    for (int tries = 0; tries < 500 && !path[0]; tries++) {
        for (int n = 0; n < 64 && !path[0]; n++) {
            char probe[200];
            snprintf(probe, sizeof probe, "/sys/devices/virtual/input/%s/event%d", sys, n);
            if (access(probe, F_OK) == 0) {
                snprintf(path, sizeof path, "/dev/input/event%d", n);
                while (access(path, R_OK) != 0) sleep_ms(5);
            }
        }
        if (!path[0]) sleep_ms(10);
    }
    if (!path[0]) { errno = ENOENT; die("finding the event node"); }
    printf("created %s\n", path);
}

static void destroy(void) {
    if (fd < 0) return;
    if (ioctl(fd, UI_DEV_DESTROY) < 0) die("UI_DEV_DESTROY");
    close(fd);
    fd = -1;
}

int main(void) {
    char line[256];
    unsigned long seq = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        char cmd[32] = "", arg[128] = "", extra[32] = "";
        line[strcspn(line, "\n")] = 0;
        if (sscanf(line, "%31s %127s %31s", cmd, arg, extra) < 1) continue;
        int code = arg[0] ? key_code(arg) : -1;
        if (!strcmp(cmd, "create")) create(arg[0] ? arg : "clickbridge-test-keyboard");
        else if (!strcmp(cmd, "destroy")) destroy();
        else if (!strcmp(cmd, "sleep")) sleep_ms(atof(arg));
        else if (fd < 0) { printf("error %s: no device; create it first\n", cmd); return 1; }
        else if (code < 0) { printf("error %s: unknown key '%s'\n", cmd, arg); return 1; }
        else if (!strcmp(cmd, "press")) key(code, 1);
        else if (!strcmp(cmd, "release")) key(code, 0);
        else if (!strcmp(cmd, "tap")) { key(code, 1); sleep_ms(atof(extra)); key(code, 0); }
        else if (!strcmp(cmd, "repeat")) for (int i = atoi(extra); i > 0; i--) key(code, 2);
        else if (!strcmp(cmd, "flood")) for (int i = atoi(extra); i > 0; i--) { key(code, 1); key(code, 0); }
        else { printf("error: unknown command '%s'\n", cmd); return 1; }
        printf("ok %lu %s\n", ++seq, line);
    }
    destroy();
    return 0;
}
