#include "bundle_name.h"

#include "text.h"

/* UTC calendar date from days since 1970-01-01 (the civil-from-days algorithm: eras of 400 years). */
static void civil_from_days(int64_t days, int *year, int *month, int *day) {
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t day_of_era = days - era * 146097;
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t mp = (5 * day_of_year + 2) / 153;
    *day = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(year_of_era + era * 400 + (*month <= 2));
}

static size_t put_padded(char *out, int value, int width) {
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
    return (size_t)width;
}

/* "crash-20261123T104924Z-4242": sortable by time, unique per process. */
size_t bundle_name(char *out, size_t size, const char *prefix, int64_t now_ms, int pid) {
    int64_t seconds = now_ms / 1000;
    int year, month, day;
    civil_from_days(seconds / 86400, &year, &month, &day);
    int second_of_day = (int)(seconds % 86400);
    char text[64];
    size_t n = copy_text(text, sizeof text, prefix);
    n += put_padded(text + n, year, 4);
    n += put_padded(text + n, month, 2);
    n += put_padded(text + n, day, 2);
    text[n++] = 'T';
    n += put_padded(text + n, second_of_day / 3600, 2);
    n += put_padded(text + n, second_of_day / 60 % 60, 2);
    n += put_padded(text + n, second_of_day % 60, 2);
    text[n++] = 'Z';
    text[n++] = '-';
    n += format_dec(text + n, sizeof text - n, pid);
    text[n] = '\0';
    return copy_text(out, size, text);
}
