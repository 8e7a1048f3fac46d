/* Names of signals and of their si_code values, as the capture file spells them. */
#ifndef CRASHCAP_SIGNAL_NAMES_H
#define CRASHCAP_SIGNAL_NAMES_H

const char *signal_name(int sig);                  /* "SIGSEGV"; "SIG?" when unknown */
const char *signal_code_name(int sig, int code);   /* "SEGV_MAPERR", "SI_TKILL"; "" when unknown */
/* 1 if si_addr is an address: a fault the kernel raised for an instruction (SIGSEGV, SIGBUS, SIGFPE, SIGILL with a
 * positive si_code other than SI_KERNEL). A signal sent by a process (si_code <= 0: kill, tgkill, abort()) has the
 * sender's pid and uid in those bytes; a general-protection fault (SI_KERNEL) has 0. Async-signal-safe. */
int signal_has_fault_address(int sig, int code);

#endif
