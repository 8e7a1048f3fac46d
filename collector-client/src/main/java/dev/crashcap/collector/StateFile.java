package dev.crashcap.collector;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A bundle's {@code spool.state}: a few {@code key=value} lines, replaced atomically. No file means {@code new}.
 * A file that cannot be read (cut off by a crash before the rename, which cannot happen, or edited by hand)
 * is {@code damaged}, handled as {@code pending}: sending again is safe, losing the bundle is not.
 */
public final class StateFile {
    public static final String NAME = "spool.state";

    private StateFile() {
    }

    public static SpoolRecord read(Path bundle) {
        String text;
        try {
            text = new String(BundleFiles.read(bundle.resolve(NAME), 64 * 1024), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return SpoolRecord.NEW;
        } catch (IOException e) {
            return damaged(e.getMessage());
        }
        try {
            Properties values = new Properties();
            values.load(new StringReader(text));
            SpoolState state = SpoolState.fromLabel(values.getProperty("state"));
            if (state == null || state == SpoolState.DAMAGED) {
                return damaged("no known state in it");
            }
            return new SpoolRecord(state,
                    Integer.parseInt(values.getProperty("attempts", "0")),
                    Long.parseLong(values.getProperty("nextAttemptMillis", "0")),
                    values.getProperty("reason"),
                    Boolean.parseBoolean(values.getProperty("inFlight", "false")),
                    Long.parseLong(values.getProperty("changedMillis", "0")));
        } catch (IOException | IllegalArgumentException e) {
            return damaged("not a state file: " + e.getMessage());
        }
    }

    private static SpoolRecord damaged(String why) {
        return new SpoolRecord(SpoolState.DAMAGED, 0, 0, NAME + " cannot be read: " + why, false, 0);
    }

    /**
     * Writes the record. Only final states are fsynced (the file, then the folder for the rename): once the
     * collector has taken a bundle, a power cut must not turn it back into one to send (the whole backlog would go
     * out again), nor a refused one back into one to retry. A pending record lost in a power cut reads back as
     * {@code new} or {@code pending}, and the bundle is sent again with the same id, which is safe: no fsync.
     */
    public static void write(Path bundle, SpoolRecord record) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("state=").append(record.state().label()).append('\n');
        text.append("attempts=").append(record.attempts()).append('\n');
        text.append("nextAttemptMillis=").append(record.nextAttemptMillis()).append('\n');
        text.append("inFlight=").append(record.inFlight()).append('\n');
        text.append("changedMillis=").append(record.changedMillis()).append('\n');
        if (record.reason() != null) {
            text.append("reason=").append(escape(oneLine(record.reason()))).append('\n');
        }
        SafeFiles.write(bundle.resolve(NAME), text.toString().getBytes(StandardCharsets.UTF_8),
                record.state().isFinal());
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    // Properties.load treats backslashes as escapes; keep the reason as it was written.
    private static String escape(String text) {
        return text.replace("\\", "\\\\");
    }
}
