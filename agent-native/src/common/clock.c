#include "clock.h"

#include "sys.h"

int64_t monotonic_ns(void) {
    struct timespec ts;
    sys_clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t epoch_ms(void) {
    struct timespec ts;
    sys_clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pause_micros(long micros) {
    struct timespec pause = { micros / 1000000, (micros % 1000000) * 1000 };
    sys_nanosleep(&pause);
}
