#include "text.h"

size_t copy_text(char *out, size_t size, const char *text) {
    size_t i = 0;
    for (; text[i] != '\0' && i + 1 < size; i++) out[i] = text[i];
    if (size > 0) out[i] = '\0';
    return i;
}

size_t format_dec(char *out, size_t size, int64_t value) {
    char digits[24];
    size_t n = 0;
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    size_t len = 0;
    if (value < 0 && len + 1 < size) out[len++] = '-';
    while (n > 0 && len + 1 < size) out[len++] = digits[--n];
    if (size > 0) out[len] = '\0';
    return len;
}

size_t format_udec(char *out, size_t size, uint64_t value) {
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    size_t len = 0;
    while (n > 0 && len + 1 < size) out[len++] = digits[--n];
    if (size > 0) out[len] = '\0';
    return len;
}

int text_equal(const char *a, const char *b) {
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

size_t format_hex(char *out, size_t size, uint64_t value) {
    static const char hex[] = "0123456789abcdef";
    char digits[16];
    size_t n = 0;
    do {
        digits[n++] = hex[value & 0xf];
        value >>= 4;
    } while (value > 0);
    size_t len = 0;
    if (len + 2 < size) {
        out[len++] = '0';
        out[len++] = 'x';
    }
    while (n > 0 && len + 1 < size) out[len++] = digits[--n];
    if (size > 0) out[len] = '\0';
    return len;
}

size_t java_class_name(char *out, size_t size, const char *signature) {
    size_t len = 0;
    while (signature[len] != '\0') len++;
    if (len >= 2 && signature[0] == 'L' && signature[len - 1] == ';') {
        signature++;
        len -= 2;
    }
    if (size == 0) return 0;
    if (len + 1 > size) len = size - 1;
    /* Internal form to binary name: '/' separates packages. A hidden class's signature has one '.', before
     * its suffix (Lcom/x/Foo$$Lambda.0x0000000801001234;), where Class.getName() shows a '/'. */
    for (size_t i = 0; i < len; i++) out[i] = signature[i] == '/' ? '.' : signature[i] == '.' ? '/' : signature[i];
    out[len] = '\0';
    return len;
}
