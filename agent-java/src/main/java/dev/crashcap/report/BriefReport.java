package dev.crashcap.report;

import static dev.crashcap.report.ReportText.shown;
import static dev.crashcap.report.ReportText.threadTitle;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.ThreadInfo;
import java.util.List;

/**
 * {@code inspect --brief} of a crash: what happened, where, the suspect and its loader, the crashing thread's
 * frames, and what to try; no registers, other threads, modules or environment. {@link #text} keeps it within
 * {@value HumanReport#BRIEF_LINES} lines, so it fits a ticket or a chat message: the hints come last but are never
 * cut, the crashing thread's frames are.
 */
final class BriefReport extends CrashReport {
    BriefReport(Bundle bundle, SignatureHistory history) {
        super(bundle, null, history);
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

    /** The report: the sections, cut to leave room for the hints, then the hints. */
    String text() {
        sections();
        List<String> hints = DiagnosisText.hints(Hints.of(bundle, diagnosis, history));
        int room = Math.max(HumanReport.BRIEF_LINES / 2, HumanReport.BRIEF_LINES - hints.size());
        StringBuilder text = new StringBuilder(capped(out.toString(), room));
        for (String hint : hints.subList(0, Math.min(hints.size(), HumanReport.BRIEF_LINES - lines(text)))) {
            text.append(hint).append('\n');
        }
        return text.toString();
    }

    private static int lines(CharSequence text) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                count++;
            }
        }
        return count;
    }
}
