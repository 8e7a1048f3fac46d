package dev.crashcap.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The line table of an ELF file ({@code .debug_line}, DWARF versions 2 to 5, 32-bit DWARF): which source file and
 * line an address (as linked) belongs to. The table is run through once and kept as sorted arrays, so even large
 * debug info costs a few arrays of primitives. Damaged or truncated debug info ends the reading where it broke: what
 * was read before stays, nothing is thrown.
 */
final class DwarfLines {
    /** A source position. */
    record Position(String file, int line) {
    }

    /** No rows: for files without debug info. */
    static final DwarfLines NONE = new DwarfLines(new long[0], new int[0], new int[0], 0, new String[0]);

    private final long[] addresses; // ascending; rows from count on are unused
    private final int[] lines; // 0 marks the end of a sequence: the addresses after it have no line
    private final int[] files;
    private final int count;
    private final String[] fileNames;

    private DwarfLines(long[] addresses, int[] lines, int[] files, int count, String[] fileNames) {
        this.addresses = addresses;
        this.lines = lines;
        this.files = files;
        this.count = count;
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
        // The string sections are fetched only when a header points into them: compressed, they cost memory.
        new LineProgramReader(order(debugLine), name -> order(section.apply(name)), builder).readAll();
        return builder.build();
    }

    /** The source position of {@code address} (as linked), or null if no row covers it. */
    Position at(long address) {
        int low = 0;
        int high = count - 1;
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
            if (size > sequenceStart && addresses[size - 1] == address) {
                size--; // a later row for the same address is the one a lookup finds: keep only that
            }
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
            if (inOrder()) { // the usual case: the rows need no second copy, which matters for big tables
                return new DwarfLines(addresses, lines, files, size, fileNames.toArray(String[]::new));
            }
            sequences.sort(Comparator.comparing((long[] s) -> s[0], Long::compareUnsigned));
            int total = 0;
            for (long[] sequence : sequences) {
                total += (int) sequence[2];
            }
            long[] sortedAddresses = new long[total];
            int[] sortedLines = new int[total];
            int[] sortedFiles = new int[total];
            int at = 0;
            for (long[] sequence : sequences) {
                int first = (int) sequence[1];
                int count = (int) sequence[2];
                System.arraycopy(addresses, first, sortedAddresses, at, count);
                System.arraycopy(lines, first, sortedLines, at, count);
                System.arraycopy(files, first, sortedFiles, at, count);
                at += count;
            }
            return new DwarfLines(sortedAddresses, sortedLines, sortedFiles, total, fileNames.toArray(String[]::new));
        }

        /** Whether the kept sequences already follow each other by address, with no rows between them. */
        private boolean inOrder() {
            int next = 0;
            long previousEnd = 0;
            for (long[] sequence : sequences) {
                if (sequence[1] != next || Long.compareUnsigned(sequence[0], previousEnd) < 0) {
                    return false;
                }
                next = (int) (sequence[1] + sequence[2]);
                previousEnd = addresses[next - 1];
            }
            return next == size;
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
