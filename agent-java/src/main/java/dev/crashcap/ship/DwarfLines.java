package dev.crashcap.ship;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The line table of an ELF file ({@code .debug_line}, DWARF versions 4 and 5, 32-bit DWARF): which source file and
 * line an address (as linked) belongs to. The table is run through once and kept as sorted arrays, so even large
 * debug info costs a few arrays of primitives. Damaged or truncated debug info ends the reading where it broke: what
 * was read before stays, nothing is thrown.
 */
final class DwarfLines {
    /** A source position. */
    record Position(String file, int line) {
    }

    /** No rows: for files without debug info. */
    static final DwarfLines NONE = new DwarfLines(new long[0], new int[0], new int[0], new String[0]);

    private final long[] addresses;
    private final int[] lines; // 0 marks the end of a sequence: the addresses after it have no line
    private final int[] files;
    private final String[] fileNames;

    private DwarfLines(long[] addresses, int[] lines, int[] files, String[] fileNames) {
        this.addresses = addresses;
        this.lines = lines;
        this.files = files;
        this.fileNames = fileNames;
    }

    /**
     * Reads the line table from the named sections {@code section} gives ({@code .debug_line}, and the string
     * sections it points into); null sections are missing ones.
     */
    static DwarfLines read(Function<String, ByteBuffer> section) {
        ByteBuffer debugLine = section.apply(".debug_line");
        if (debugLine == null) {
            return NONE;
        }
        Builder builder = new Builder();
        new LineProgramReader(order(debugLine), order(section.apply(".debug_line_str")),
                order(section.apply(".debug_str")), builder).readAll();
        return builder.build();
    }

    /** The source position of {@code address} (as linked), or null if no row covers it. */
    Position at(long address) {
        int low = 0;
        int high = addresses.length - 1;
        int best = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(addresses[mid], address) <= 0) {
                best = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        if (best < 0 || lines[best] <= 0 || files[best] < 0) {
            return null;
        }
        return new Position(fileNames[files[best]], lines[best]);
    }

    private static ByteBuffer order(ByteBuffer buffer) {
        return buffer == null ? null : buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Collects rows a sequence at a time; only whole sequences (ended by end_sequence) count. */
    static final class Builder {
        private final List<String> fileNames = new ArrayList<>();
        private final List<long[]> sequences = new ArrayList<>(); // {start address, first row, row count}
        private long[] addresses = new long[1024];
        private int[] lines = new int[1024];
        private int[] files = new int[1024];
        private int size;
        private int sequenceStart;

        /** Adds a file name; its index is what rows refer to. */
        int file(String name) {
            fileNames.add(name);
            return fileNames.size() - 1;
        }

        void row(long address, int line, int file) {
            if (size == addresses.length) {
                addresses = Arrays.copyOf(addresses, size * 2);
                lines = Arrays.copyOf(lines, size * 2);
                files = Arrays.copyOf(files, size * 2);
            }
            addresses[size] = address;
            lines[size] = line;
            files[size] = file;
            size++;
        }

        /** Ends a sequence at {@code address}: it covers the addresses up to there. */
        void endSequence(long address) {
            row(address, 0, -1);
            long start = addresses[sequenceStart];
            // The linker leaves functions it dropped at address 0; the ELF header is there, never code.
            if (start != 0 && size - sequenceStart > 1) {
                sequences.add(new long[] {start, sequenceStart, size - sequenceStart});
            }
            sequenceStart = size;
        }

        /** Forgets the rows of a sequence that never ended (the table broke off). */
        void dropOpenSequence() {
            size = sequenceStart;
        }

        /** Sequences sorted by address, each in its own (ascending) order, one after another. */
        DwarfLines build() {
            dropOpenSequence();
            sequences.sort(Comparator.comparing((long[] s) -> s[0], Long::compareUnsigned));
            long[] sortedAddresses = new long[size];
            int[] sortedLines = new int[size];
            int[] sortedFiles = new int[size];
            int at = 0;
            for (long[] sequence : sequences) {
                int first = (int) sequence[1];
                int count = (int) sequence[2];
                System.arraycopy(addresses, first, sortedAddresses, at, count);
                System.arraycopy(lines, first, sortedLines, at, count);
                System.arraycopy(files, first, sortedFiles, at, count);
                at += count;
            }
            return new DwarfLines(Arrays.copyOf(sortedAddresses, at), Arrays.copyOf(sortedLines, at),
                    Arrays.copyOf(sortedFiles, at), fileNames.toArray(String[]::new));
        }
    }

    /** Reads a NUL-terminated UTF-8 string at the buffer's position and moves past it. */
    static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buffer.get(bytes);
        buffer.get(); // the NUL
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String stringAt(ByteBuffer section, long offset) {
        if (section == null || offset < 0 || offset >= section.limit()) {
            throw new IllegalArgumentException("string offset out of its section");
        }
        return string(section.duplicate().position((int) offset));
    }
}
