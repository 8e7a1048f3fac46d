package dev.crashcap.report;

import static dev.crashcap.report.ReportText.shown;
import static dev.crashcap.report.ReportText.threadTitle;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.ThreadInfo;

/**
 * {@code inspect --brief} of a crash: what happened, where, the suspect and its loader, the crashing thread's
 * frames; no registers, other threads, modules or environment. {@link HumanReport#brief} caps it at
 * {@value HumanReport#BRIEF_LINES} lines, so it fits a ticket or a chat message.
 */
final class BriefReport extends CrashReport {
    BriefReport(Bundle bundle) {
        super(bundle, null);
    }

    @Override
    void sections() {
        String where = bundle.directory() == null ? "" : ", bundle " + shown(bundle.directory().toString());
        line("crashcap: a fatal error" + where
                + (bundle.truncated() ? " (the capture was cut off: shown is what it holds)" : ""));
        whatHappened();
        where();
        ThreadInfo thread = bundle.crashingThread();
        if (thread != null) {
            heading("CRASHING THREAD " + threadTitle(thread));
            stack(thread, "  ");
        }
    }
}
