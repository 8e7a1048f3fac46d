/* unfinished_bundles.c: which folders make the arming start the Java finishing part (docs/ship.md). Real files in a
 * temporary folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "unfinished_bundles.h"

static char root[64];

static void make(const char *relative, int directory) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    if (directory) {
        CHECK(mkdir(path, 0700) == 0);
    } else {
        FILE *file = fopen(path, "w");
        CHECK(file != NULL);
        if (file != NULL) fclose(file);
    }
}

int main(void) {
    snprintf(root, sizeof root, "/tmp/crashcap-unfinished-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    CHECK(unfinished_bundles_present(root) == 0); /* empty */

    make("crash-1", 1); /* a finished bundle: capture and zip */
    make("crash-1/capture.txt", 0);
    make("crash-1/manifest.json", 0);
    make("crash-1/bundle.zip", 0);
    make("snapshot-1", 1); /* snapshots are never finished in the background */
    make("snapshot-1/capture.txt", 0);
    make(".deleting-crash-0", 1); /* the disk cap's, half deleted */
    make(".deleting-crash-0/capture.txt", 0);
    make("notes", 1); /* no capture: not a bundle */
    make("stray.txt", 0);
    make("crash-3", 1); /* a zip that is a folder is no zip; but no capture either */
    make("crash-3/bundle.zip", 1);
    char target[256], link[256];
    make(".elsewhere", 1); /* hidden: skipped itself; the target of a link below */
    make(".elsewhere/capture.txt", 0);
    snprintf(target, sizeof target, "%s/.elsewhere", root);
    snprintf(link, sizeof link, "%s/crash-link", root);
    CHECK(symlink(target, link) == 0); /* a link is never a bundle */
    CHECK(unfinished_bundles_present(root) == 0);

    make("crash-2", 1); /* an earlier crash's bundle, as the handler leaves it */
    make("crash-2/capture.txt", 0);
    CHECK(unfinished_bundles_present(root) == 1);
    make("crash-2/manifest.json", 0); /* a finishing cut off before the zip: still work to do */
    CHECK(unfinished_bundles_present(root) == 1);
    make("crash-2/bundle.zip", 0);
    CHECK(unfinished_bundles_present(root) == 0);

    char missing[128];
    snprintf(missing, sizeof missing, "%s/no-such-folder", root);
    CHECK(unfinished_bundles_present(missing) == 0);

    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    CHECK(system(command) == 0);
    return check_report("unfinished_bundles_test");
}
