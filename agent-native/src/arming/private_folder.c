#include "private_folder.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int private_folder_resolve(const char *cwd, const char *folder, char *out, size_t size) {
    char joined[8192];
    int n = folder[0] == '/' ? snprintf(joined, sizeof joined, "%s", folder)
                             : snprintf(joined, sizeof joined, "%s/%s", cwd, folder);
    if (n < 0 || (size_t)n >= sizeof joined) return -1;
    /* Lexically, as Path.normalize: "." goes, "name/.." goes, ".." at the root stays at the root. */
    size_t starts[512];
    size_t depth = 0;
    size_t len = 0;
    if (size < 2) return -1;
    out[len] = '\0';
    for (char *part = strtok(joined, "/"); part != NULL; part = strtok(NULL, "/")) {
        if (strcmp(part, ".") == 0) continue;
        if (strcmp(part, "..") == 0) {
            if (depth > 0) len = starts[--depth];
            out[len] = '\0';
            continue;
        }
        if (depth == sizeof starts / sizeof *starts) return -1;
        starts[depth++] = len;
        size_t part_len = strlen(part);
        if (len + 1 + part_len + 1 > size) return -1;
        out[len++] = '/';
        memcpy(out + len, part, part_len);
        len += part_len;
        out[len] = '\0';
    }
    if (len == 0) strcpy(out, "/");
    return 0;
}

static int is_directory(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* SafeFiles.privateDirectory: the missing parents first, each created 0700 whatever the umask. */
static int make_private(char *path) {
    if (is_directory(path)) return 0;
    char *slash = strrchr(path, '/');
    if (slash != NULL && slash != path) {
        *slash = '\0';
        int parent = is_directory(path) ? 0 : make_private(path);
        *slash = '/';
        if (parent != 0) return -1;
    }
    if (mkdir(path, 0700) != 0) {
        if (errno == EEXIST && is_directory(path)) return 0; /* made by someone else meanwhile: not ours to change */
        return -1;
    }
    return chmod(path, 0700);
}

static const char *reason(int error) {
    if (error == EACCES || error == EPERM) return "permission denied";
    if (error == EEXIST) return "a file of that name is in the way";
    return strerror(error);
}

const char *private_folder_prepare(const char *absolute, char *why, size_t why_size) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s", absolute) >= (int)sizeof path) {
        snprintf(why, why_size, "bundle folder path too long");
        return why;
    }
    if (make_private(path) != 0) {
        snprintf(why, why_size, "cannot create bundle folder %s: %s", absolute, reason(errno));
        return why;
    }
    struct stat st;
    if (stat(absolute, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[10];
        const char *letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) mode[i] = (st.st_mode & (0400 >> i)) ? letters[i] : '-';
        mode[9] = '\0';
        snprintf(why, why_size,
                 "bundle folder %s is writable by other users (mode %s); they could plant files that crashcap would read"
                 " and ship: use a folder only its owner can write to (chmod go-w %s)",
                 absolute, mode, absolute);
        return why;
    }
    if (access(absolute, W_OK) != 0) {
        snprintf(why, why_size, "bundle folder %s is not writable", absolute);
        return why;
    }
    return NULL;
}
