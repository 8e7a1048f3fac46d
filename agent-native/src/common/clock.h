/* Time for deadlines and bundle names: CLOCK_MONOTONIC and the wall clock, and a short pause for the
 * polling waits of the capture. Async-signal-safe (clock_gettime and nanosleep only). */
#ifndef CRASHCAP_CLOCK_H
#define CRASHCAP_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC now, in nanoseconds. */
int64_t monotonic_ns(void);

/* CLOCK_REALTIME now, in milliseconds since the epoch. */
int64_t epoch_ms(void);

/* Sleeps about `micros` microseconds: one step of a wait that checks its condition and deadline between
 * steps (a signal may cut a step short, which only makes the wait check sooner). */
void pause_micros(long micros);

#endif
