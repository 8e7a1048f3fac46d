/* Text without libc: copying, decimal and hex numbers, Java class names. Async-signal-safe (no
 * snprintf, no strlen from libc), so the capture and the arming code share one copy. */
#ifndef CRASHCAP_TEXT_H
#define CRASHCAP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Copies text into out, cut to fit and always NUL-terminated; returns the length copied. */
size_t copy_text(char *out, size_t size, const char *text);

/* Decimal and hex rendering into a caller buffer (NUL-terminated); returns the length. */
size_t format_dec(char *out, size_t size, int64_t value);
size_t format_hex(char *out, size_t size, uint64_t value);
size_t format_udec(char *out, size_t size, uint64_t value);

/* 1 when the two NUL-terminated texts are the same (strcmp is libc's, and not on the handler's list). */
int text_equal(const char *a, const char *b);

/* "Ljava/lang/Thread;" (a JVMTI class signature) -> "java.lang.Thread" (a hidden class's suffix after a '/', as
 * Class.getName() shows it), cut to fit out. Returns the length. */
size_t java_class_name(char *out, size_t size, const char *signature);

#endif
