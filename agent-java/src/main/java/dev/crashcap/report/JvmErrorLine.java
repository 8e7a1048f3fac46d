package dev.crashcap.report;

import dev.crashcap.secrets.Redaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HotSpot's own words for a fatal error that came from no signal, read from the head of its hs_err file: the line
 * after {@code #  Internal Error (debug.cpp:362), pid=…} or {@code #  Out of Memory Error (os_linux.cpp:2749), pid=…}
 * ({@code fatal error: OutOfMemory encountered: Java heap space}, {@code guarantee(…) failed: …}). The capture cannot
 * hold it: HotSpot writes it after the crash handler returns. A crash by a signal has no such line ({@code #  SIGSEGV
 * (0xb) at pc=…}): null then, and when there is no hs_err.
 */
final class JvmErrorLine {
    private static final Pattern ERROR = Pattern.compile("^#\\s+(Internal Error|Out of Memory Error) \\(([^)]*)\\)");
    private static final int HEAD_LINES = 64;

    private JvmErrorLine() {
    }

    /** {@code fatal error: OutOfMemory encountered: Java heap space (Internal Error at debug.cpp:362)}, or null. */
    static String of(String hsErr) {
        if (hsErr == null) {
            return null;
        }
        try (BufferedReader reader = Files.newBufferedReader(Path.of(hsErr), StandardCharsets.ISO_8859_1)) {
            for (int i = 0; i < HEAD_LINES; i++) {
                String line = reader.readLine();
                if (line == null) {
                    return null;
                }
                Matcher error = ERROR.matcher(line);
                if (error.find()) {
                    String next = reader.readLine();
                    String message = next == null || !next.startsWith("#  ") ? null : next.substring(3).strip();
                    String where = error.group(1) + " at " + error.group(2);
                    return Redaction.text(message == null || message.isEmpty() ? where : message + " (" + where + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable hs_err only costs this line
        }
        return null;
    }
}
