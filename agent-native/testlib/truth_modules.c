/* A second JNI library for the tests of what a bundle says about modules and frames
 * (dev.crashcap.testapp.TruthModules, dev.crashcap.it.ModuleTruthIT): loaded while the JVM runs, between
 * dumps, or from a copy deleted at once; and a call that is the last instruction of its function.
 * Built like libcrashcaptest.so (-O1 -g, no frame pointers). */
#include <jni.h>

#define EXPORT __attribute__((visibility("default"), noinline))

/* The crash site, named in the capture from .dynsym. */
EXPORT int truth_write_null(int value) {
    volatile int *nowhere = (volatile int *)0;
    *nowhere = value;
    return value + 1;
}

JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_TruthModules_crashWriteNull(JNIEnv *env, jclass cls, jint value) {
    return truth_write_null(value) + 1;
}

/* Never returns: the call to it can be the very last instruction of its caller. Hidden, so only .symtab
 * names it (after the crash, from the file on disk). */
__attribute__((visibility("hidden"), noinline, noreturn, used)) void truth_noreturn_crash(void) {
    volatile int *nowhere = (volatile int *)0;
    for (;;) *nowhere = 1;
}

/* truth_tail_caller ends with its call to truth_noreturn_crash, and truth_after_tail_caller starts right
 * after it: the return address of that call is truth_after_tail_caller's first byte. Written in assembly
 * so that no compiler pads or reorders them. Both are local symbols (not in .dynsym). */
void truth_tail_caller(void);
#if defined(__x86_64__)
__asm__(".text\n"
        ".p2align 4\n"
        ".type truth_tail_caller, @function\n"
        "truth_tail_caller:\n"
        ".cfi_startproc\n"
        "subq $8, %rsp\n"
        ".cfi_def_cfa_offset 16\n"
        "call truth_noreturn_crash\n"
        ".cfi_endproc\n"
        ".size truth_tail_caller, .-truth_tail_caller\n"
        ".type truth_after_tail_caller, @function\n"
        "truth_after_tail_caller:\n"
        ".cfi_startproc\n"
        "ret\n"
        ".cfi_endproc\n"
        ".size truth_after_tail_caller, .-truth_after_tail_caller\n");
#elif defined(__aarch64__)
__asm__(".text\n"
        ".p2align 4\n"
        ".type truth_tail_caller, %function\n"
        "truth_tail_caller:\n"
        ".cfi_startproc\n"
        "stp x29, x30, [sp, #-16]!\n"
        ".cfi_def_cfa_offset 16\n"
        ".cfi_offset 29, -16\n"
        ".cfi_offset 30, -8\n"
        "bl truth_noreturn_crash\n"
        ".cfi_endproc\n"
        ".size truth_tail_caller, .-truth_tail_caller\n"
        ".type truth_after_tail_caller, %function\n"
        "truth_after_tail_caller:\n"
        ".cfi_startproc\n"
        "ret\n"
        ".cfi_endproc\n"
        ".size truth_after_tail_caller, .-truth_after_tail_caller\n");
#else
#error "truth_tail_caller is written for x86_64 and aarch64"
#endif

JNIEXPORT void JNICALL Java_dev_crashcap_testapp_TruthModules_crashAtFunctionEnd(JNIEnv *env, jclass cls) {
    truth_tail_caller();
}
