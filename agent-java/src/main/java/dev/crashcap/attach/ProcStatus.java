package dev.crashcap.attach;

/**
 * What {@code /proc/<pid>/status} says about a process that matters for attaching: whose it is (HotSpot lets
 * only the same effective uid and gid, or root, attach), its pid inside its own pid namespace (a container's
 * JVM names its files by that one), and whether it catches SIGQUIT (if not, SIGQUIT would kill it).
 */
record ProcStatus(int effectiveUid, int effectiveGid, long namespacePid, boolean catchesSigquit) {
    private static final long SIGQUIT_BIT = 1L << (3 - 1); // signal n is bit n-1 of the SigCgt mask

    static ProcStatus parse(String status, long pid) {
        int uid = -1;
        int gid = -1;
        long nsPid = pid;
        boolean sigquit = false;
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String[] fields = line.substring(colon + 1).trim().split("\\s+");
            switch (line.substring(0, colon)) {
                case "Uid" -> uid = Integer.parseInt(fields[1]); // real, effective, saved, filesystem
                case "Gid" -> gid = Integer.parseInt(fields[1]);
                case "NSpid" -> nsPid = Long.parseLong(fields[fields.length - 1]); // innermost namespace last
                case "SigCgt" -> sigquit = (Long.parseUnsignedLong(fields[0], 16) & SIGQUIT_BIT) != 0;
                default -> { }
            }
        }
        return new ProcStatus(uid, gid, nsPid, sigquit);
    }

    boolean isRoot() {
        return effectiveUid == 0;
    }
}
