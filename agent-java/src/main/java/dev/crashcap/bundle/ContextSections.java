package dev.crashcap.bundle;

import dev.crashcap.secrets.Redaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the capture's context sections ({@code crash-memory}, {@code vm}, {@code host}; docs/capture-format.md)
 * into a {@link Context} for {@link CaptureParser}. Like the rest of the parser it never throws: an unreadable line
 * is skipped with a warning.
 */
final class ContextSections {
    static final List<String> NAMES = List.of("crash-memory", "vm", "host");

    private final CaptureValues values;
    private final List<Context.Flag> flags = new ArrayList<>();
    private final Map<String, String> vm = new LinkedHashMap<>();
    private final Map<String, String> host = new LinkedHashMap<>();
    private final Map<String, String> files = new LinkedHashMap<>();
    private final List<Context.MemoryBytes> memory = new ArrayList<>();
    private final Map<String, Context.Mapping> mappings = new LinkedHashMap<>();
    private final Map<String, Long> javaThreads = new LinkedHashMap<>();
    private Long heapStart;
    private Long heapBytes;
    private boolean seen;

    ContextSections(CaptureValues values) {
        this.values = values;
    }

    /** A line of any section the parser does not read itself: lines of other sections are skipped. */
    void accept(String section, CaptureLine line) {
        switch (section) {
            case "crash-memory" -> memoryLine(line);
            case "vm" -> vmLine(line);
            case "host" -> hostLine(line);
            default -> {
                return; // lines before the first section, or in a section a newer writer added
            }
        }
        seen = true;
    }

    private void memoryLine(CaptureLine line) {
        if (line.key().equals("memory")) {
            Long anchor = Hex.parse(line.value(1));
            Long start = Hex.parse(line.value(2));
            byte[] bytes = hexBytes(line.valueOrNull(3));
            if (line.valueOrNull(0) == null || anchor == null || start == null || bytes == null) {
                values.warn("line " + line.number() + ": unreadable memory line, skipped");
                return;
            }
            memory.add(new Context.MemoryBytes(line.value(0), anchor, start, bytes));
        } else if (line.key().equals("mapping")) {
            Long start = Hex.parse(line.value(1));
            Long end = Hex.parse(line.value(2));
            if (line.valueOrNull(0) == null || start == null || end == null) {
                values.warn("line " + line.number() + ": unreadable mapping line, skipped");
                return;
            }
            String perms = line.valueOrNull(3);
            String path = line.value(4) == null ? "" : line.value(4);
            mappings.put(line.value(0), new Context.Mapping(line.value(0), start, end, perms == null ? "" : perms, path));
        } else if (line.key().equals("thread")) {
            Long tid = CaptureValues.decimal(line.valueOrNull(1));
            if (line.valueOrNull(0) != null && tid != null) {
                javaThreads.put(line.value(0), tid);
            }
        }
    }

    private void vmLine(CaptureLine line) {
        switch (line.key()) {
            case "flag" -> {
                String name = line.valueOrNull(0);
                String type = line.valueOrNull(1);
                if (name == null || type == null) {
                    values.warn("line " + line.number() + ": unreadable flag line, skipped");
                    return;
                }
                String value = line.value(4) == null ? "" : line.value(4);
                flags.add(new Context.Flag(name, type, line.valueOrNull(2), line.valueOrNull(3), flagValue(type, value)));
            }
            case "heap.reserved" -> {
                heapStart = Hex.parse(line.value(0));
                heapBytes = Hex.parse(line.value(1));
            }
            default -> vm.put(line.key(), line.value(0));
        }
    }

    private void hostLine(CaptureLine line) {
        if (line.key().equals("file")) {
            String path = line.valueOrNull(0);
            if (path != null) {
                String content = line.value(1) == null ? "" : line.value(1);
                files.merge(path, content, String::concat); // mountinfo's root lines come one record each
            }
        } else {
            host.put(line.key(), line.value(0));
        }
    }

    /** A double's IEEE bits (the handler has no printf) become the number as HotSpot prints it: {@code 10.000000}. */
    private static String flagValue(String type, String value) {
        if (type.equals("double")) {
            Long bits = Hex.parse(value);
            return bits == null ? value : String.format(java.util.Locale.ROOT, "%f", Double.longBitsToDouble(bits));
        }
        if (type.equals("ccstr") || type.equals("ccstrlist")) {
            return Redaction.text(value); // a flag such as -XX:OnError= may hold a command with a password
        }
        return value;
    }

    private static byte[] hexBytes(String text) {
        if (text == null || text.length() % 2 != 0) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    Context build(String jvmInfo) {
        if (!seen && jvmInfo == null) {
            return Context.EMPTY;
        }
        return new Context(List.copyOf(flags), values.decimal(vm, "vm", "flags.count"),
                CaptureValues.text(vm, "flags.problem"), heapStart, heapBytes, jvmInfo,
                Collections.unmodifiableMap(new LinkedHashMap<>(host)),
                Collections.unmodifiableMap(new LinkedHashMap<>(files)), List.copyOf(memory),
                Collections.unmodifiableMap(new LinkedHashMap<>(mappings)),
                Collections.unmodifiableMap(new LinkedHashMap<>(javaThreads)));
    }
}
