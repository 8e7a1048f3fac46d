package dev.crashcap.cli;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleFolder;
import dev.crashcap.collector.Spool;
import dev.crashcap.report.Diagnosis;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The human form of {@code crashcap list}: one row per bundle, columns as wide as their widest cell. */
final class BundleTable {
    private static final String[] HEADINGS = {"TIME (UTC)", "PID", "SIGNAL", "DIAGNOSIS", "SUSPECT", "STATE", "PATH"};

    private BundleTable() {
    }

    /** The table of rows made by {@link #row}, newest first. */
    static String render(List<String[]> bundleRows) {
        if (bundleRows.isEmpty()) {
            return "no bundles\n";
        }
        List<String[]> rows = new ArrayList<>(bundleRows.size() + 1);
        rows.add(HEADINGS);
        rows.addAll(bundleRows);
        return layOut(rows);
    }

    /** One bundle's row: a few strings, so that a listing keeps no parsed bundle. */
    static String[] row(BundleFolder.Entry entry) {
        return entry.bundle() != null ? bundleRow(entry) : errorRow(entry);
    }

    private static String[] bundleRow(BundleFolder.Entry entry) {
        Bundle bundle = entry.bundle();
        Diagnosis diagnosis = Diagnosis.of(bundle);
        Long time = bundle.crash().timeEpochMillis();
        return new String[] {
            time == null ? "-" : Instant.ofEpochMilli(time).truncatedTo(ChronoUnit.SECONDS).toString(),
            orDash(bundle.pid()),
            orDash(bundle.crash().signalName()),
            diagnosis.kind().jsonName(),
            orDash(diagnosis.suspectModule()),
            stateLabel(entry.path()),
            entry.path() + (bundle.truncated() ? "  (cut off)" : "")};
    }

    private static String[] errorRow(BundleFolder.Entry entry) {
        return new String[] {"-", "-", "-", "unreadable", "-", stateLabel(entry.path()), entry.path() + "  (" + entry.error() + ")"};
    }

    /** The spool state, or null for a folder that cannot be looked into (its state is not known). */
    static String state(java.nio.file.Path bundle) {
        return java.nio.file.Files.isExecutable(bundle) ? Spool.stateOf(bundle).label() : null;
    }

    private static String stateLabel(java.nio.file.Path bundle) {
        String state = state(bundle);
        return state == null ? "-" : state;
    }

    private static String layOut(List<String[]> rows) {
        int[] widths = new int[HEADINGS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], printable(row[i]).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = printable(row[i]);
                line.append(i == row.length - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 2));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        return table.toString();
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }

    /**
     * Values come from bundles that may be damaged, and folder names and collector answers from anyone: control
     * characters (an ESC starting a terminal sequence, a newline forging a line) are shown as {@code ?}.
     */
    static String printable(String text) {
        return text.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
