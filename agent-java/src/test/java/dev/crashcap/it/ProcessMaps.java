package dev.crashcap.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process's memory map as the kernel tells it (/proc/PID/maps), the oracle for which file is mapped where: read
 * from the live process around a dump, or from the copy HotSpot prints in hs_err ("Dynamic libraries:") at a crash.
 */
record ProcessMaps(List<Mapping> mappings) {
    private static final String DELETED = " (deleted)";
    private static final Pattern LINE =
            Pattern.compile("^([0-9a-f]+)-([0-9a-f]+)\\s+(\\S+)\\s+([0-9a-f]+)\\s+\\S+\\s+\\d+\\s*(.*)$");

    /**
     * One line of maps. {@code path} is the file as it was mapped, without the kernel's " (deleted)" suffix (which
     * says the file was unlinked or replaced since; it is not part of the name), {@code deleted} says it was there.
     */
    record Mapping(long start, long end, String perms, long fileOffset, String path, boolean deleted) {
        boolean contains(long address) {
            return Long.compareUnsigned(start, address) <= 0 && Long.compareUnsigned(address, end) < 0;
        }
    }

    static ProcessMaps parse(List<String> lines) {
        List<Mapping> mappings = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String path = m.group(5).strip();
            boolean deleted = path.endsWith(DELETED);
            if (deleted) {
                path = path.substring(0, path.length() - DELETED.length());
            }
            mappings.add(new Mapping(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16),
                    m.group(3), Long.parseUnsignedLong(m.group(4), 16), path, deleted));
        }
        return new ProcessMaps(List.copyOf(mappings));
    }

    /** The maps of a live process, or null if it is gone. */
    static ProcessMaps ofProcess(long pid) throws IOException {
        try {
            return parse(Files.readAllLines(Path.of("/proc/" + pid + "/maps")));
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** The "Dynamic libraries:" section of an hs_err file (HotSpot copies /proc/self/maps there), or null. */
    static ProcessMaps ofHsErr(String hsErr) {
        List<String> lines = hsErr.lines().toList();
        int start = lines.indexOf("Dynamic libraries:");
        if (start < 0) {
            return null;
        }
        List<String> section = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            section.add(line);
        }
        return parse(section);
    }

    /**
     * Every mapping of the file {@code path} as a loaded module, in address order. Shared mappings ({@code r--s}) are
     * left out: the loader maps libraries private, and a shared one is a file read through mmap, such as the ELF files
     * the armed JVM's upload thread symbolises while it finishes a bundle (seen in AgentpathIT: libjvm.so mapped
     * r--s far below its loaded image).
     */
    List<Mapping> of(String path) {
        return mappings.stream().filter(m -> m.path().equals(path) && !m.perms().contains("s")).toList();
    }

    /** The mapping holding {@code address}, or null. */
    Mapping at(long address) {
        return mappings.stream().filter(m -> m.contains(address)).findFirst().orElse(null);
    }
}
