/* Names of signals and of their si_code values, as the capture file spells them. */
#ifndef CRASHCAP_SIGNAL_NAMES_H
#define CRASHCAP_SIGNAL_NAMES_H

const char *signal_name(int sig);                  /* "SIGSEGV"; "SIG?" when unknown */
const char *signal_code_name(int sig, int code);   /* "SEGV_MAPERR", "SI_TKILL"; "" when unknown */

#endif
