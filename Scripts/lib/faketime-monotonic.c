// Preloaded in front of Debian's libfaketime (0.9.10) by Scripts/lib/swift-suite.sh, so that
// timers and sleeps on the monotonic clocks stay real while the wall clock is faked.
//
// libfaketime moves every absolute time given to timerfd_settime() and clock_nanosleep() by
// the faked offset, whatever the timer's clock, even with FAKETIME_DONT_FAKE_MONOTONIC
// (wolfcw/libfaketime#378 and #426). libdispatch (Task.sleep, the Swift concurrency timers)
// and SwiftNIO arm CLOCK_MONOTONIC and CLOCK_BOOTTIME timerfds with absolute times: shifted,
// they are negative (EINVAL) or weeks away, and a `serve` process waiting in its graceful
// shutdown never wakes. Here each timerfd's clock is remembered when it is created; only
// wall-clock timers and sleeps go through libfaketime's conversion, the others straight to
// the kernel.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum { TRACKED = 65536 };

// 1 when the timerfd on that descriptor counts wall-clock time.
static _Atomic unsigned char wall_clock[TRACKED];

static int is_wall_clock(clockid_t clock) {
    return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI;
}

static int tracked_monotonic(int fd) {
    return fd >= 0 && fd < TRACKED && !atomic_load(&wall_clock[fd]);
}

int timerfd_create(int clockid, int flags) {
    int fd = (int)syscall(SYS_timerfd_create, clockid, flags);
    if (fd >= 0 && fd < TRACKED) atomic_store(&wall_clock[fd], (unsigned char)is_wall_clock(clockid));
    return fd;
}

int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value) {
    if (tracked_monotonic(fd)) return (int)syscall(SYS_timerfd_settime, fd, flags, new_value, old_value);
    int (*faked)(int, int, const struct itimerspec *, struct itimerspec *) = dlsym(RTLD_NEXT, "timerfd_settime");
    return faked(fd, flags, new_value, old_value);
}

int timerfd_gettime(int fd, struct itimerspec *current) {
    if (tracked_monotonic(fd)) return (int)syscall(SYS_timerfd_gettime, fd, current);
    int (*faked)(int, struct itimerspec *) = dlsym(RTLD_NEXT, "timerfd_gettime");
    return faked(fd, current);
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request, struct timespec *remaining) {
    if (!is_wall_clock(clock)) {
        // clock_nanosleep() answers an error number, not -1 and errno.
        return syscall(SYS_clock_nanosleep, clock, flags, request, remaining) == 0 ? 0 : errno;
    }
    int (*faked)(clockid_t, int, const struct timespec *, struct timespec *) = dlsym(RTLD_NEXT, "clock_nanosleep");
    return faked(clock, flags, request, remaining);
}
