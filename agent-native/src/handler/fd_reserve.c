#include "fd_reserve.h"

#include "sys.h"

/* The capture holds at most three descriptors at once: capture.txt for the whole capture, stacks.bin while it
 * is written, and one /proc file (or a folder being synced) read meanwhile. */
#define RESERVED 3

/* Each reserved descriptor with the identity of its file: a memfd has an inode no other file shares, so
 * before closing, the reserve can tell that the number is still its own (an application may have closed it,
 * as daemons close every descriptor, and opened something else under that number). Written at arming and by
 * the capture owner only (one thread at a time). */
static struct {
    int fd;
    dev_t dev;
    ino_t ino;
} held[RESERVED] = { { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 } };
static int released;

void fd_reserve_take(void) {
    for (int i = 0; i < RESERVED; i++) {
        if (held[i].fd >= 0) continue;
        int fd = sys_memfd_create("crashcap-fd-reserve", MFD_CLOEXEC);
        struct stat file;
        if (fd < 0) continue;
        if (sys_fstat(fd, &file) != 0) {
            sys_close(fd);
            continue;
        }
        held[i].fd = fd;
        held[i].dev = file.st_dev;
        held[i].ino = file.st_ino;
    }
}

int fd_reserve_release_if_exhausted(void) {
    int probe = sys_open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
    if (probe >= 0) {
        sys_close(probe);
        return 0;
    }
    int exhausted = errno == EMFILE ? 1 : errno == ENFILE ? 2 : 0;
    if (exhausted == 0) return 0;
    for (int i = 0; i < RESERVED; i++) {
        struct stat file;
        if (held[i].fd < 0) continue;
        if (sys_fstat(held[i].fd, &file) == 0 && file.st_dev == held[i].dev && file.st_ino == held[i].ino) {
            sys_close(held[i].fd);
        }
        held[i].fd = -1; /* not ours any more either way */
    }
    released = 1;
    return exhausted;
}

void fd_reserve_restore(void) {
    if (!released) return;
    released = 0;
    fd_reserve_take();
}
