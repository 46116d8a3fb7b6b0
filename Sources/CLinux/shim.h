// Linux descriptors the live event loop waits on. Swift's Glibc module does not export these
// headers (epoll, timerfd, eventfd), so this module map does. No library: they are in libc.
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
