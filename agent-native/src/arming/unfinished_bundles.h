/* Whether the bundle folder holds work for the Java finishing part (docs/ship.md, "Finishing"): a crash bundle
 * that earlier crashes left and that is not finished yet. Checked at arming, natively, so that a JVM whose folder
 * has nothing to finish (and no upload target) loads nothing of Java for it. */
#ifndef CRASHCAP_UNFINISHED_BUNDLES_H
#define CRASHCAP_UNFINISHED_BUNDLES_H

/* 1 if `folder` holds a crash bundle (a directory, not a link, not hidden, not a `snapshot-`, with a regular
 * capture.txt) that has no regular bundle.zip yet; else 0, also when the folder cannot be read. One readdir and
 * two fstatat per bundle. */
int unfinished_bundles_present(const char *folder);

#endif
