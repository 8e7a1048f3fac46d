#include "signal_names.h"

#include <signal.h>

const char *signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    default: return "SIG?";
    }
}

int signal_has_fault_address(int sig, int code) {
    int fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
    return fault && code > 0 && code != SI_KERNEL;
}

static const char *generic_code_name(int code) {
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TIMER: return "SI_TIMER";
    case SI_MESGQ: return "SI_MESGQ";
    case SI_ASYNCIO: return "SI_ASYNCIO";
    case SI_SIGIO: return "SI_SIGIO";
    case SI_TKILL: return "SI_TKILL";
    default: return "";
    }
}

static const char *segv_code_name(int code) {
    switch (code) {
    case SEGV_MAPERR: return "SEGV_MAPERR";
    case SEGV_ACCERR: return "SEGV_ACCERR";
#ifdef SEGV_BNDERR
    case SEGV_BNDERR: return "SEGV_BNDERR";
#endif
#ifdef SEGV_PKUERR
    case SEGV_PKUERR: return "SEGV_PKUERR";
#endif
#ifdef SEGV_MTEAERR
    case SEGV_MTEAERR: return "SEGV_MTEAERR";
#endif
#ifdef SEGV_MTESERR
    case SEGV_MTESERR: return "SEGV_MTESERR";
#endif
#ifdef SEGV_CPERR
    case SEGV_CPERR: return "SEGV_CPERR";
#endif
    default: return "";
    }
}

static const char *bus_code_name(int code) {
    switch (code) {
    case BUS_ADRALN: return "BUS_ADRALN";
    case BUS_ADRERR: return "BUS_ADRERR";
    case BUS_OBJERR: return "BUS_OBJERR";
#ifdef BUS_MCEERR_AR
    case BUS_MCEERR_AR: return "BUS_MCEERR_AR"; /* a hardware memory error (machine check) */
#endif
#ifdef BUS_MCEERR_AO
    case BUS_MCEERR_AO: return "BUS_MCEERR_AO";
#endif
    default: return "";
    }
}

static const char *fpe_code_name(int code) {
    switch (code) {
    case FPE_INTDIV: return "FPE_INTDIV";
    case FPE_INTOVF: return "FPE_INTOVF";
    case FPE_FLTDIV: return "FPE_FLTDIV";
    case FPE_FLTOVF: return "FPE_FLTOVF";
    case FPE_FLTUND: return "FPE_FLTUND";
    case FPE_FLTRES: return "FPE_FLTRES";
    case FPE_FLTINV: return "FPE_FLTINV";
    case FPE_FLTSUB: return "FPE_FLTSUB";
    default: return "";
    }
}

static const char *ill_code_name(int code) {
    switch (code) {
    case ILL_ILLOPC: return "ILL_ILLOPC";
    case ILL_ILLOPN: return "ILL_ILLOPN";
    case ILL_ILLADR: return "ILL_ILLADR";
    case ILL_ILLTRP: return "ILL_ILLTRP";
    case ILL_PRVOPC: return "ILL_PRVOPC";
    case ILL_PRVREG: return "ILL_PRVREG";
    case ILL_COPROC: return "ILL_COPROC";
    case ILL_BADSTK: return "ILL_BADSTK";
    default: return "";
    }
}

const char *signal_code_name(int sig, int code) {
    /* Codes <= 0 mean the signal was sent (kill, tgkill, abort's raise), whatever the signal. */
    if (code <= 0 || code == SI_KERNEL) return generic_code_name(code);
    switch (sig) {
    case SIGSEGV: return segv_code_name(code);
    case SIGBUS: return bus_code_name(code);
    case SIGFPE: return fpe_code_name(code);
    case SIGILL: return ill_code_name(code);
    default: return "";
    }
}
