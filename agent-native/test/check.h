/* A minimal check harness for the native unit tests: each failed CHECK prints where and what, and
 * the test exits non-zero if any failed. */
#ifndef CRASHCAP_CHECK_H
#define CRASHCAP_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(condition)                                                                  \
    do {                                                                                  \
        check_count++;                                                                    \
        if (!(condition)) {                                                               \
            check_failures++;                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
        }                                                                                 \
    } while (0)

#define CHECK_TEXT(actual, expected)                                                               \
    do {                                                                                           \
        check_count++;                                                                             \
        if (strcmp((actual), (expected)) != 0) {                                                   \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, (expected), \
                    (actual));                                                                     \
        }                                                                                          \
    } while (0)

static int check_report(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
