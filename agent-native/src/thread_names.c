#include "thread_names.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <unistd.h>

#include "bundle_writer.h"

/* A fixed table, claimed slot by slot with compare-and-swap: no malloc and no lock, so the signal
 * handler can read it at any moment. Untouched slots cost no resident memory (bss). */
#define THREAD_SLOTS 16384

typedef struct {
    atomic_int tid;           /* 0 = free */
    atomic_int ready;         /* name is complete */
    char name[THREAD_NAME_MAX];
} thread_slot;

static thread_slot slots[THREAD_SLOTS];

static void copy_name(char *out, size_t size, const char *name) {
    size_t i = 0;
    for (; name[i] != '\0' && i + 1 < size; i++) out[i] = name[i];
    out[i] = '\0';
}

void thread_names_register(int tid, const char *name) {
    for (size_t i = 0; i < THREAD_SLOTS; i++) {
        int expected = 0;
        if (atomic_load(&slots[i].tid) == tid ||
            atomic_compare_exchange_strong(&slots[i].tid, &expected, tid)) {
            atomic_store(&slots[i].ready, 0);
            copy_name(slots[i].name, sizeof slots[i].name, name);
            atomic_store(&slots[i].ready, 1);
            return;
        }
    }
    /* Table full: the thread keeps its kernel name (comm) in bundles. */
}

void thread_names_forget(int tid) {
    for (size_t i = 0; i < THREAD_SLOTS; i++) {
        if (atomic_load(&slots[i].tid) == tid) {
            atomic_store(&slots[i].ready, 0);
            atomic_store(&slots[i].tid, 0);
            return;
        }
    }
}

int thread_names_lookup(int tid, char *out, size_t size) {
    for (size_t i = 0; i < THREAD_SLOTS; i++) {
        if (atomic_load(&slots[i].tid) == tid && atomic_load(&slots[i].ready)) {
            copy_name(out, size, slots[i].name);
            return 1;
        }
    }
    return 0;
}

size_t thread_comm_name(int tid, char *out, size_t size) {
    char path[64] = "/proc/self/task/";
    size_t len = 16;
    len += format_dec(path + len, sizeof path - len, tid);
    copy_name(path + len, sizeof path - len, "/comm");
    if (size == 0) return 0;
    out[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, out, size - 1);
    close(fd);
    if (n <= 0) return 0;
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\0')) n--;
    out[n] = '\0';
    return (size_t)n;
}
