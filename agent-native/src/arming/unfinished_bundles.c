/* See unfinished_bundles.h. The rules are those of Shipping.isCrashBundle, BundleLocator.isBundleDirectory and
 * Spool.entries; finishing writes manifest.json and then bundle.zip (Packer), so a bundle with a bundle.zip has
 * nothing left to finish. A folder this check counts but the finisher refuses (another user's, one that is not
 * settled yet, a capture that cannot be parsed) only makes the Java part start and find nothing to do. Nothing
 * here runs in a signal handler. */
#include "unfinished_bundles.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SNAPSHOT_PREFIX "snapshot-" /* bundle_name.c: live snapshots are never finished in the background */

static int regular_file_at(int folder, const char *bundle, const char *file) {
    char path[512];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", bundle, file) >= sizeof path) return 0;
    struct stat st;
    return fstatat(folder, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

int unfinished_bundles_present(const char *folder) {
    int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return 0;
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
        close(fd);
        return 0;
    }
    int found = 0;
    struct dirent *entry;
    while (!found && (entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] == '.' || strncmp(name, SNAPSHOT_PREFIX, strlen(SNAPSHOT_PREFIX)) == 0) continue;
        if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN) continue; /* DT_LNK: a link is never a bundle */
        struct stat st;
        if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) continue;
        found = regular_file_at(fd, name, "capture.txt") && !regular_file_at(fd, name, "bundle.zip");
    }
    closedir(dir); /* closes fd */
    return found;
}
