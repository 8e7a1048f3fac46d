package dev.crashcap.bundle;

import java.util.List;
import java.util.Map;

/**
 * What the capture recorded about the crash's surroundings, as written (docs/capture-format.md, sections
 * {@code crash-memory}, {@code vm}, {@code host}); the report's package interprets it. Captures of older agents
 * have none: then every list and map is empty and every other field null ({@link #EMPTY}).
 *
 * @param flags the JVM flags the handler wrote: every flag whose value did not come from its default, and the
 *        few the VM summary needs whatever their origin (see {@link Flag#isDefault()})
 * @param flagsCount how many flags the JVM has in all, null if the table was not read
 * @param flagsProblem why the flags could not be read, or null
 * @param heapStart where the Java heap is reserved, null if unknown
 * @param heapBytes the size of that reservation, null if unknown
 * @param jvmInfo {@code java.vm.info} when the agent armed ("mixed mode, sharing"), null if not recorded
 * @param host the host section's single values ({@code uname.release}, {@code libc.version}, {@code cpu.affinity})
 * @param files the small files the handler copied, path to content, in capture order (secret-free system files)
 * @param memory the bytes read around the crash ({@code stack}, {@code pc})
 * @param mappings for each register, the memory mapping its value lies in (registers that point nowhere have none)
 * @param javaThreads registers that hold a thread's JavaThread*, register to that thread's tid
 */
public record Context(List<Flag> flags, Long flagsCount, String flagsProblem, Long heapStart, Long heapBytes,
        String jvmInfo, Map<String, String> host, Map<String, String> files, List<MemoryBytes> memory,
        Map<String, Mapping> mappings, Map<String, Long> javaThreads) {

    /** The context of a capture that has none. */
    public static final Context EMPTY = new Context(List.of(), null, null, null, null, null, Map.of(), Map.of(),
            List.of(), Map.of(), Map.of());

    /** True when the capture held no context at all (an older agent, or cut off before it). */
    public boolean isEmpty() {
        return flags.isEmpty() && flagsCount == null && flagsProblem == null && host.isEmpty() && files.isEmpty()
                && memory.isEmpty() && mappings.isEmpty() && jvmInfo == null;
    }

    /** The flag of that name, or null. */
    public Flag flag(String name) {
        for (Flag flag : flags) {
            if (flag.name().equals(name)) {
                return flag;
            }
        }
        return null;
    }

    /** The bytes recorded under that name ({@code "stack"}, {@code "pc"}), or null. */
    public MemoryBytes memory(String what) {
        for (MemoryBytes bytes : memory) {
            if (bytes.what().equals(what)) {
                return bytes;
            }
        }
        return null;
    }

    /**
     * A HotSpot flag as the crash found it: its C type ({@code bool}, {@code intx}, {@code size_t}, {@code ccstr},
     * …), kind ({@code product}, {@code manageable}, {@code diagnostic}, {@code experimental}), the origin of its
     * value ({@code default}, {@code command line}, {@code ergonomic}, {@code environment}, …) and the value as
     * text (a double as HotSpot prints it, a string as it is, secrets redacted by value).
     */
    public record Flag(String name, String type, String kind, String origin, String value) {
        /** The value came from the flag's default (written only for the flags the VM summary needs). */
        public boolean isDefault() {
            return "default".equals(origin);
        }

        /** As a bool flag: null when not a bool. */
        public Boolean bool() {
            return "bool".equals(type) ? Boolean.valueOf("true".equals(value)) : null;
        }

        /** As a number: null when not an integer flag. */
        public Long number() {
            if (value == null || !value.matches("-?[0-9]{1,20}")) {
                return null;
            }
            try {
                return value.startsWith("-") ? Long.parseLong(value) : Long.parseUnsignedLong(value);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** {@code bytes} read from {@code start}; {@code anchor} is what they were read for (sp, or the pc). */
    public record MemoryBytes(String what, long anchor, long start, byte[] bytes) {
        /** The address just past the last byte. */
        public long end() {
            return start + bytes.length;
        }
    }

    /** The mapping {@code [start, end)} a register's value lies in: permissions {@code rwx}, and its path
     * ({@code ""} for anonymous memory, {@code [heap]}, {@code [stack]}, a file). */
    public record Mapping(String register, long start, long end, String perms, String path) {
    }
}
