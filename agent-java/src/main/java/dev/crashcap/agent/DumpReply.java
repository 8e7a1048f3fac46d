package dev.crashcap.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's answer to a dump, in a file the CLI created for it (the request's {@code dumpReply}): the same
 * {@code crashcap.*} system properties the CLI would otherwise read with the attach protocol's {@code properties}
 * command, without that second round trip. On a JVM that never answered {@code properties}, that command costs the
 * target 30 to 40 ms of CPU and more (Properties.store's date line initialises the JDK's time zone and calendar
 * classes; measured with {@code crashcap status} on a fresh 1,000-thread JVM), as much as a tenth of a first dump.
 *
 * <p>Format: a first line {@code crashcap-dump-reply\t1}, then {@code <property>\t<value>} lines with capture.txt's
 * escapes (backslash, tab, newline), then {@code end}. A file without its {@code end} line is no answer.
 */
public final class DumpReply {
    private static final String FIRST = "crashcap-dump-reply\t1";
    private static final String END = "end";

    private DumpReply() {}

    /**
     * Writes the answer into the reply file, which must exist already (the CLI made it, 0600): the agent never creates
     * a file from its argument, and follows no link there. Best effort: without it the CLI asks for the properties.
     */
    static void write(DumpRequest request) {
        if (request.reply().isEmpty()) return;
        Map<String, String> answer = new LinkedHashMap<>();
        for (String key : List.of(Agent.ARMED, Agent.NOT_ARMED, DumpRequest.resultProperty(request.id()),
                DumpRequest.errorProperty(request.id()), DumpRequest.armedNowProperty(request.id()),
                DumpRequest.warningProperty(request.id()))) {
            String value = System.getProperty(key);
            if (value != null) answer.put(key, value);
        }
        try {
            Files.write(Path.of(request.reply()), render(answer).getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            // the CLI finds no answer there and reads the system properties
        }
    }

    static String render(Map<String, String> answer) {
        StringBuilder text = new StringBuilder(FIRST).append('\n');
        for (Map.Entry<String, String> entry : answer.entrySet()) { // no lambda: no java.lang.invoke in the target
            text.append(escape(entry.getKey())).append('\t').append(escape(entry.getValue())).append('\n');
        }
        return text.append(END).append('\n').toString();
    }

    /** The answer in a reply file's text, or null when it is not a whole one (an older agent leaves the file empty). */
    public static Properties parse(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length < 2 || !lines[0].equals(FIRST)) return null;
        Properties answer = new Properties();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].equals(END)) return answer;
            int tab = lines[i].indexOf('\t');
            if (tab <= 0) return null;
            answer.setProperty(unescape(lines[i].substring(0, tab)), unescape(lines[i].substring(tab + 1)));
        }
        return null;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
