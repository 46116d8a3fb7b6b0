/*
 * gpioline-info: an independent observer of one GPIO line, straight from the kernel's uAPI v2
 * (no libgpiod), so the tier can see who holds a line while our source holds it.
 *
 *   gpioline-info /dev/gpiochipN OFFSET
 *   line 3 name="button" consumer="clickbridge" used=1 active_low=1 bias=pull-up edges=both
 *
 * Static build: gcc -static -O2 -o gpioline-info gpioline-info.c
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: gpioline-info /dev/gpiochipN OFFSET\n"); return 2; }
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) { fprintf(stderr, "gpioline-info: %s: %s\n", argv[1], strerror(errno)); return 1; }
    struct gpio_v2_line_info info;
    memset(&info, 0, sizeof info);
    info.offset = (unsigned)atoi(argv[2]);
    if (ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &info) < 0) {
        fprintf(stderr, "gpioline-info: line %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    unsigned long long f = info.flags;
    const char *bias = f & GPIO_V2_LINE_FLAG_BIAS_PULL_UP ? "pull-up"
                     : f & GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN ? "pull-down"
                     : f & GPIO_V2_LINE_FLAG_BIAS_DISABLED ? "disabled" : "as-is";
    int rising = !!(f & GPIO_V2_LINE_FLAG_EDGE_RISING), falling = !!(f & GPIO_V2_LINE_FLAG_EDGE_FALLING);
    printf("line %u name=\"%s\" consumer=\"%s\" used=%d active_low=%d bias=%s edges=%s\n",
           info.offset, info.name, info.consumer, !!(f & GPIO_V2_LINE_FLAG_USED),
           !!(f & GPIO_V2_LINE_FLAG_ACTIVE_LOW), bias,
           rising && falling ? "both" : rising ? "rising" : falling ? "falling" : "none");
    return 0;
}
