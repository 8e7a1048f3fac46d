/* The alternate signal stacks of the threads that existed before crashcap armed: when they are given.
 *
 * Arming for a crash (premain, attach, -agentpath) sends every existing thread the service signal at once, and
 * each installs its stack when it next runs (service_signal.c). Arming for a dump (crashcap dump of a JVM that is
 * not armed yet) does not: the snapshot that follows at once sends every thread the same signal to take its stack,
 * and the handler installs the thread's alternate stack as it answers. One wake-up per thread instead of two, and
 * the first dump of a 1,000-thread JVM is that much cheaper (docs/attach.md, "The first dump").
 *
 * Why a crash is handled no worse than before: the handlers are installed at the end of arming either way, and a
 * thread has its alternate stack only once it has run its service-signal handler either way; today's broadcast
 * is answered over 10 to 40 ms at 1,000 threads (and much longer on a loaded machine), while the snapshot's
 * signals go out a few milliseconds after arming (the bundle folder and /proc/self/maps in between), and each
 * thread then has one signal to handle instead of two. What the snapshot did not reach (a thread that did not
 * answer before its deadline, one it never listed, a snapshot that failed or never ran) gets the service signal
 * from existing_altstacks_give, called after the snapshot, or else from the thread sweep a second after arming.
 * Arming time and the sweep thread only, never a handler. */
#ifndef CRASHCAP_EXISTING_ALTSTACKS_H
#define CRASHCAP_EXISTING_ALTSTACKS_H

/* Before arming: this arming is for a dump, whose snapshot gives the existing threads their stacks. */
void existing_altstacks_defer_to_snapshot(void);

/* Arming, once the service signal is installed: signals every other thread now, unless deferred (then the
 * deadline of the sweep's fallback starts). */
void existing_altstacks_arm(void);

/* After the snapshot, and from the sweep once the fallback's deadline has passed: if deferred and not done yet,
 * signals every thread that has no alternate stack from crashcap (a thread with someone else's keeps it: the
 * handler never replaces one). Once only; cheap when nothing is deferred. */
void existing_altstacks_give(void);

/* From the sweep, each round: existing_altstacks_give once the deadline has passed. */
void existing_altstacks_give_if_overdue(void);

#endif
