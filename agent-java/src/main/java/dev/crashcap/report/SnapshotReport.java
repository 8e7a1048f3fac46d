package dev.crashcap.report;

import static dev.crashcap.report.ReportText.shown;
import static dev.crashcap.report.ReportText.waitedLock;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.ThreadLocks;
import java.util.List;

/** The human report of a live snapshot (crashcap dump): deadlocks first, then every thread with its locks. */
final class SnapshotReport extends HumanReport {
    SnapshotReport(Bundle bundle) {
        super(bundle);
    }

    /** A live snapshot: what was taken when, the deadlocks first, then every thread with its locks. */
    @Override
    void sections() {
        banner(" A live snapshot of pid " + (bundle.pid() == null ? "unknown" : bundle.pid()) + " taken at "
                + (bundle.crash().timeEpochMillis() == null ? "an unknown time" : BundleJson.time(bundle.crash().timeEpochMillis()))
                + " (crashcap dump); the process went on running");
        heading("SUMMARY");
        field("diagnosis", diagnosis.summary());
        deadlocks();
        heading("THREADS (" + bundle.threads().size() + ")");
        threadsSummary();
        threads(bundle.threads());
        process();
        modules();
        environment();
        warnings();
    }

    /** Each deadlock as its cycle: who waits for which lock, held by whom. */
    private void deadlocks() {
        List<List<String>> deadlocks = bundle.locks() == null ? List.of() : bundle.locks().deadlocks();
        if (deadlocks.isEmpty()) {
            return;
        }
        heading("DEADLOCKS (" + deadlocks.size() + ")");
        for (List<String> cycle : deadlocks) {
            line("  " + Sizes.count(cycle.size()) + " threads wait for each other:");
            for (String name : cycle) {
                ThreadLocks waiter = bundle.locks().threads().stream().filter(t -> t.name().equals(name)).findFirst()
                        .orElse(null);
                line("    " + waitingLine(name, waiter));
            }
        }
    }

    private static String waitingLine(String name, ThreadLocks locks) {
        String who = "\"" + shown(name) + "\"";
        if (locks == null || locks.waitingOn() == null) {
            return who;
        }
        return who + " waits for " + waitedLock(locks);
    }
}
