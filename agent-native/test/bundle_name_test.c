/* Unit tests of bundle naming (handler/bundle_name.c): the UTC calendar without libc, on the days
 * where a hand-written calendar goes wrong (leap days, century years, the epoch). The expected names
 * were computed with Python's datetime. */
#include "bundle_name.h"
#include "check.h"

static void check_name(const char *prefix, int64_t now_ms, int pid, const char *expected) {
    char name[64];
    size_t len = bundle_name(name, sizeof name, prefix, now_ms, pid);
    CHECK_TEXT(name, expected);
    CHECK(len == strlen(expected));
}

int main(void) {
    check_name("crash-", 0, 1, "crash-19700101T000000Z-1");
    check_name("crash-", 1763894964000LL, 4242, "crash-20251123T104924Z-4242");
    check_name("snapshot-", 1709211723999LL, 77, "snapshot-20240229T130203Z-77");  /* leap day, ms dropped */
    check_name("crash-", 951782400000LL, 4194304, "crash-20000229T000000Z-4194304"); /* 2000 is a leap year */
    check_name("crash-", 4107542400000LL, 9, "crash-21000301T000000Z-9");            /* 2100 is not */
    check_name("crash-", 253402300799000LL, 12, "crash-99991231T235959Z-12");
    /* Cut to fit, always terminated. */
    char small[10];
    CHECK(bundle_name(small, sizeof small, "crash-", 0, 1) == 9);
    CHECK_TEXT(small, "crash-197");
    return check_report("bundle_name_test");
}
