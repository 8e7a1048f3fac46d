/* Port of dev.crashcap.secrets.Redaction and SecretShapes: see redaction.h. Kept in the Java
 * classes' order and names, so that a change there is easy to follow here. */
#include "redaction.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "option_items.h"

static const char *const SECRET_WORDS[] = {
    "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE", "APIKEY",
    "ACCESSKEY", "AUTH", "COOKIE", "SESSION", "SIGNATURE", "DSN"};
static const char *const SECRET_PARTS[] = {"KEY", "PASS", "PW", "PIN"};

static int is_upper_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c) {
    return is_upper_alnum(c) || (c >= 'a' && c <= 'z');
}

static char upper(char c) {
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int redaction_is_secret_name(const char *name, size_t len) {
    char *squashed = malloc(len + 1);
    if (squashed == NULL) return 1; /* cannot tell: the safe answer */
    size_t squashed_len = 0;
    int secret = 0;
    size_t part_start = 0;
    for (size_t i = 0; i <= len; i++) {
        int alphanumeric = i < len && is_upper_alnum(upper(name[i]));
        if (alphanumeric) {
            squashed[squashed_len++] = upper(name[i]);
            continue;
        }
        if (i > part_start) {
            for (size_t p = 0; p < sizeof SECRET_PARTS / sizeof *SECRET_PARTS; p++) {
                size_t part_len = strlen(SECRET_PARTS[p]);
                if (i - part_start != part_len) continue;
                size_t k = 0;
                while (k < part_len && upper(name[part_start + k]) == SECRET_PARTS[p][k]) k++;
                if (k == part_len) secret = 1;
            }
        }
        part_start = i + 1;
    }
    squashed[squashed_len] = '\0';
    for (size_t w = 0; w < sizeof SECRET_WORDS / sizeof *SECRET_WORDS && !secret; w++) {
        if (strstr(squashed, SECRET_WORDS[w]) != NULL) secret = 1;
    }
    free(squashed);
    return secret;
}

/* ---- SecretShapes ---- */

#define UPPER_DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZ" LOWER
#define ALPHANUMERIC UPPER_DIGITS LOWER
#define ALPHANUMERIC_UNDERSCORE ALPHANUMERIC "_"
#define BASE64URL ALPHANUMERIC "_-"
#define SLACK_CHARS ALPHANUMERIC "-"
#define SLACK_PATH ALPHANUMERIC "/_-"
#define PARAMETER_NAME ALPHANUMERIC "_.-"
#define SLACK_WEBHOOK "hooks.slack.com/services/"

typedef struct {
    const char *text;
    size_t len;
} span_text;

typedef struct {
    int found;
    size_t start;
    size_t end;
} span;

static const span NONE = {0, 0, 0};

static span make_span(size_t start, size_t end) {
    span s = {1, start, end};
    return s;
}

static int in(const char *alphabet, char c) {
    return c != '\0' && strchr(alphabet, c) != NULL;
}

static int starts_with(span_text t, const char *prefix, size_t at) {
    size_t n = strlen(prefix);
    return at + n <= t.len && memcmp(t.text + at, prefix, n) == 0;
}

/* Java's String.indexOf(String, from): -1 as SIZE_MAX. */
static size_t index_of(span_text t, const char *what, size_t from) {
    size_t n = strlen(what);
    for (size_t i = from; i + n <= t.len; i++) {
        if (memcmp(t.text + i, what, n) == 0) return i;
    }
    return SIZE_MAX;
}

static size_t run(span_text t, size_t start, const char *alphabet) {
    size_t end = start;
    while (end < t.len && in(alphabet, t.text[end])) end++;
    return end;
}

static size_t skip_spaces(span_text t, size_t i) {
    while (i < t.len && t.text[i] == ' ') i++;
    return i;
}

static span at_least(span_text t, size_t start, const char *alphabet, size_t minimum) {
    size_t end = run(t, start, alphabet);
    return end - start >= minimum ? make_span(start, end) : NONE;
}

static span pem_block(span_text t, size_t begin) {
    size_t marker_end = index_of(t, "-----", begin + 11);
    if (marker_end == SIZE_MAX) return NONE;
    /* text.lastIndexOf("PRIVATE KEY", markerEnd) >= begin */
    size_t key_len = strlen("PRIVATE KEY");
    int private_key = 0;
    for (size_t i = begin; i <= marker_end && i + key_len <= t.len; i++) {
        if (memcmp(t.text + i, "PRIVATE KEY", key_len) == 0) private_key = 1;
    }
    if (!private_key) return NONE;
    size_t key_start = marker_end + 5;
    size_t end = index_of(t, "-----END ", key_start);
    return make_span(key_start, end == SIZE_MAX ? t.len : end);
}

static span jwt(span_text t, size_t i) {
    size_t header_end = run(t, i, BASE64URL);
    if (header_end - i < 10 || header_end >= t.len || t.text[header_end] != '.') return NONE;
    size_t payload_end = run(t, header_end + 1, BASE64URL);
    if (payload_end - header_end - 1 < 10) return NONE;
    size_t end = payload_end;
    if (end < t.len && t.text[end] == '.') end = run(t, end + 1, BASE64URL);
    return make_span(i, end);
}

static size_t credentials_end(span_text t, size_t start) {
    size_t end = start;
    while (end < t.len && !in(" \t\r\n\"',;", t.text[end])) end++;
    return end;
}

static span credentials(span_text t, size_t start) {
    size_t end = credentials_end(t, start);
    return end > start ? make_span(start, end) : NONE;
}

static span authorization(span_text t, size_t i) {
    size_t start = skip_spaces(t, i);
    size_t word = run(t, start, LETTERS);
    if (word > start && word < t.len && t.text[word] == ' ') {
        size_t after = skip_spaces(t, word);
        if (credentials_end(t, after) > after) start = after;
    }
    return credentials(t, start);
}

static span secret_parameter(span_text t, size_t i) {
    size_t name_end = run(t, i, PARAMETER_NAME);
    if (name_end == i || name_end >= t.len || t.text[name_end] != '=') return NONE;
    if (!redaction_is_secret_name(t.text + i, name_end - i)) return NONE;
    size_t start = name_end + 1;
    size_t end = start;
    while (end < t.len && !in(" \t\r\n\"'&;#", t.text[end])) end++;
    return end > start && !starts_with(t, REDACTED, start) ? make_span(start, end) : NONE;
}

static span match(span_text t, size_t i) {
    static const char *const github_prefixes[] = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
    char c = t.text[i];
    int boundary = i == 0 || !is_alnum(t.text[i - 1]);
    if (c == '-' && starts_with(t, "-----BEGIN ", i)) return pem_block(t, i);
    if (boundary && (starts_with(t, "AKIA", i) || starts_with(t, "ASIA", i))) {
        size_t end = run(t, i + 4, UPPER_DIGITS);
        if (end - i == 20 && (end == t.len || !is_alnum(t.text[end]))) return make_span(i + 4, end);
        return NONE;
    }
    if (boundary && c == 'g') {
        for (size_t p = 0; p < sizeof github_prefixes / sizeof *github_prefixes; p++) {
            if (starts_with(t, github_prefixes[p], i)) return at_least(t, i + 4, ALPHANUMERIC, 30);
        }
        if (starts_with(t, "github_pat_", i)) return at_least(t, i + 11, ALPHANUMERIC_UNDERSCORE, 20);
        return NONE;
    }
    if (boundary && c == 'x' && starts_with(t, "xox", i) && i + 4 < t.len && in("abprs", t.text[i + 3]) &&
        t.text[i + 4] == '-') {
        return at_least(t, i + 5, SLACK_CHARS, 10);
    }
    if (c == 'h' && starts_with(t, SLACK_WEBHOOK, i)) {
        return at_least(t, i + strlen(SLACK_WEBHOOK), SLACK_PATH, 1);
    }
    if (boundary && c == 'e' && starts_with(t, "eyJ", i)) return jwt(t, i);
    if (boundary && (c == 'A' || c == 'a') && i + 14 <= t.len && strncasecmp(t.text + i, "authorization:", 14) == 0) {
        return authorization(t, i + 14);
    }
    if (boundary && (c == 'B' || c == 'b') && i + 7 <= t.len && strncasecmp(t.text + i, "bearer ", 7) == 0) {
        return credentials(t, skip_spaces(t, i + 7));
    }
    if (c == '?' || c == '&' || c == ';') return secret_parameter(t, i + 1);
    return NONE;
}

static void secret_shapes(text_buffer *out, const char *text, size_t len) {
    span_text t = {text, len};
    size_t copied = 0;
    size_t i = 0;
    while (i < len) {
        span s = match(t, i);
        if (!s.found) {
            i++;
            continue;
        }
        text_buffer_append(out, text + copied, s.start - copied);
        text_buffer_append_string(out, REDACTED);
        copied = s.end;
        i = s.end > i + 1 ? s.end : i + 1;
    }
    text_buffer_append(out, text + copied, len - copied);
}

/* ---- Redaction ---- */

/* scheme://user:secret@host -> scheme://user:<redacted>@host, for every URL in the text. */
static void url_passwords(text_buffer *out, const char *text, size_t len) {
    span_text t = {text, len};
    size_t copied = 0;
    for (size_t scheme = index_of(t, "://", 0); scheme != SIZE_MAX; scheme = index_of(t, "://", scheme + 3)) {
        size_t authority_start = scheme + 3;
        size_t authority_end = authority_start;
        while (authority_end < len && !in("/ \t\r\n?#", text[authority_end])) authority_end++;
        /* text.lastIndexOf('@', authorityEnd - 1) */
        size_t at = SIZE_MAX;
        for (size_t k = authority_end; k > 0; k--) {
            if (text[k - 1] == '@') {
                at = k - 1;
                break;
            }
        }
        size_t colon = SIZE_MAX;
        for (size_t k = authority_start; k < len; k++) {
            if (text[k] == ':') {
                colon = k;
                break;
            }
        }
        if (at == SIZE_MAX || at < authority_start || colon == SIZE_MAX || colon > at) continue;
        if (colon + 1 < copied) continue; /* overlapping URLs: Java would fail here; keep what is done */
        text_buffer_append(out, text + copied, colon + 1 - copied);
        text_buffer_append_string(out, REDACTED);
        copied = at;
    }
    text_buffer_append(out, text + copied, len - copied);
}

void redaction_text(text_buffer *out, const char *text, size_t len) {
    text_buffer passwords = {0};
    url_passwords(&passwords, text, len);
    const char *first = text_buffer_text(&passwords);
    if (first == NULL) {
        text_buffer_append_string(out, REDACTED); /* out of memory: never the unredacted text */
    } else {
        secret_shapes(out, first, passwords.len);
    }
    text_buffer_free(&passwords);
}

static int ends_with(const char *text, const char *suffix) {
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcmp(text + n - m, suffix) == 0;
}

void redaction_environment_value(text_buffer *out, const char *name, const char *value) {
    if (redaction_is_secret_name(name, strlen(name))) {
        text_buffer_append_string(out, REDACTED);
        return;
    }
    if (!ends_with(name, "_OPTIONS") && !ends_with(name, "_OPTS")) {
        redaction_text(out, value, strlen(value));
        return;
    }
    /* String.join(" ", arguments(List.of(value.split(" ", -1)))) */
    size_t count = 1;
    for (const char *p = value; *p; p++) count += *p == ' ';
    char **words = calloc(count, sizeof *words);
    char **redacted = calloc(count, sizeof *redacted);
    if (words == NULL || redacted == NULL) {
        text_buffer_append_string(out, REDACTED);
    } else {
        const char *start = value;
        for (size_t i = 0; i < count; i++) {
            const char *space = strchr(start, ' ');
            size_t n = space == NULL ? strlen(start) : (size_t)(space - start);
            words[i] = strndup(start, n);
            start += n + 1;
        }
        redaction_arguments((const char *const *)words, count, redacted);
        for (size_t i = 0; i < count; i++) {
            if (i > 0) text_buffer_append_string(out, " ");
            text_buffer_append_string(out, redacted[i] != NULL ? redacted[i] : REDACTED);
        }
    }
    for (size_t i = 0; words != NULL && i < count; i++) free(words[i]);
    for (size_t i = 0; redacted != NULL && i < count; i++) free(redacted[i]);
    free(words);
    free(redacted);
}

/* --db-password -> db-password; -Dx.token -> x.token; -XX:Flag -> Flag. */
static void option_name(const char *option, size_t len, const char **name, size_t *name_len) {
    size_t start = 0;
    while (start < len && option[start] == '-') start++;
    if (start == 1 && start < len && option[start] == 'D') start++;
    else if (start == 1 && len - start >= 3 && memcmp(option + start, "XX:", 3) == 0) start += 3;
    if (start >= len) start = 0;
    *name = option + start;
    *name_len = len - start;
}

static char *take(text_buffer *buffer) {
    const char *text = text_buffer_text(buffer);
    char *result = text == NULL ? NULL : strdup(text);
    text_buffer_free(buffer);
    return result;
}

void redaction_arguments(const char *const *args, size_t count, char **out) {
    int redact_next = 0;
    for (size_t i = 0; i < count; i++) {
        const char *arg = args[i];
        size_t len = strlen(arg);
        text_buffer result = {0};
        if (redact_next) {
            out[i] = strdup(REDACTED);
            redact_next = 0;
            continue;
        }
        const char *equals = strchr(arg, '=');
        size_t name_len = equals == NULL ? len : (size_t)(equals - arg);
        const char *name;
        size_t option_len;
        option_name(arg, name_len, &name, &option_len);
        if (equals != NULL && equals > arg &&
            (strncmp(arg, "-javaagent:", 11) == 0 || strncmp(arg, "-agentpath:", 11) == 0)) {
            /* an agent's own options, such as crashcap's token= and sentry-dsn=, are items of their own */
            text_buffer_append(&result, arg, name_len + 1);
            option_items_redact(&result, equals + 1);
        } else if (equals != NULL && equals > arg && redaction_is_secret_name(name, option_len)) {
            text_buffer_append(&result, arg, name_len + 1);
            text_buffer_append_string(&result, REDACTED);
        } else if (equals == NULL && arg[0] == '-' && redaction_is_secret_name(name, option_len)) {
            text_buffer_append_string(&result, arg);
            redact_next = 1;
        } else {
            redaction_text(&result, arg, len);
        }
        out[i] = take(&result);
    }
}
