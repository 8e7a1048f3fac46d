package dev.crashcap.symbols;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the line-number programs of {@code .debug_line} (DWARF 4 and 5, and the older 2 and 3; 32-bit DWARF) and
 * hands the rows to a {@link DwarfLines.Builder}. Each unit has a header (file and directory tables) and a program
 * for the DWARF line state machine. A unit that cannot be read ends the reading: the units after it are not trusted
 * to start where its length says.
 */
final class LineProgramReader {
    private static final int DW_LNCT_PATH = 1;
    private static final int DW_LNCT_DIRECTORY_INDEX = 2;

    private static final int DW_FORM_BLOCK = 0x09;
    private static final int DW_FORM_DATA1 = 0x0b;
    private static final int DW_FORM_DATA2 = 0x05;
    private static final int DW_FORM_DATA4 = 0x06;
    private static final int DW_FORM_DATA8 = 0x07;
    private static final int DW_FORM_DATA16 = 0x1e;
    private static final int DW_FORM_STRING = 0x08;
    private static final int DW_FORM_STRP = 0x0e;
    private static final int DW_FORM_LINE_STRP = 0x1f;
    private static final int DW_FORM_UDATA = 0x0f;

    private final ByteBuffer section;
    private final Function<String, ByteBuffer> stringSections;
    private final Map<String, ByteBuffer> fetched = new HashMap<>();
    private final DwarfLines.Builder rows;

    /** @param stringSections {@code .debug_line_str} and {@code .debug_str} by name, null if missing */
    LineProgramReader(ByteBuffer section, Function<String, ByteBuffer> stringSections, DwarfLines.Builder rows) {
        this.section = section;
        this.stringSections = stringSections;
        this.rows = rows;
    }

    /** Reads unit after unit to the end of the section, or to the first unit it cannot read. */
    void readAll() {
        int position = 0;
        while (position + 4 <= section.limit()) {
            long length = Integer.toUnsignedLong(section.getInt(position));
            if (length >= 0xfffffff0L || position + 4 + length > section.limit()) {
                return; // 64-bit DWARF, or a length past the end: nothing after it can be trusted
            }
            ByteBuffer unit = section.duplicate().position(position + 4).limit((int) (position + 4 + length))
                    .slice().order(section.order());
            try {
                readUnit(unit);
            } catch (RuntimeException e) {
                rows.dropOpenSequence();
                return;
            }
            position += 4 + (int) length;
        }
    }

    /** Header fields the state machine needs. */
    private record Header(int version, int minInstructionLength, boolean defaultIsStmt, int lineBase, int lineRange,
            int opcodeBase, int[] opcodeLengths, List<String> directories, List<Integer> files) {
    }

    private void readUnit(ByteBuffer unit) {
        int version = Short.toUnsignedInt(unit.getShort());
        if (version < 2 || version > 5) {
            throw new IllegalArgumentException("line table version " + version);
        }
        if (version == 5) {
            unit.get(); // address_size: set_address says its own length
            unit.get(); // segment_selector_size
        }
        long headerLength = Integer.toUnsignedLong(unit.getInt());
        int programStart = Math.toIntExact(unit.position() + headerLength);
        int minInstructionLength = Byte.toUnsignedInt(unit.get());
        if (version >= 4) {
            unit.get(); // maximum_operations_per_instruction: 1 but on VLIW machines
        }
        boolean defaultIsStmt = unit.get() != 0;
        int lineBase = unit.get();
        int lineRange = Byte.toUnsignedInt(unit.get());
        int opcodeBase = Byte.toUnsignedInt(unit.get());
        if (lineRange == 0 || opcodeBase == 0) {
            throw new IllegalArgumentException("line_range or opcode_base is 0");
        }
        int[] opcodeLengths = new int[opcodeBase];
        for (int i = 1; i < opcodeBase; i++) {
            opcodeLengths[i] = Byte.toUnsignedInt(unit.get());
        }
        List<String> directories = new ArrayList<>();
        List<Integer> files = new ArrayList<>();
        if (version == 5) {
            readEntriesV5(unit, directories, null);
            readEntriesV5(unit, directories, files);
        } else {
            readTablesV4(unit, directories, files); // versions 2 and 3 have the same tables
        }
        unit.position(programStart);
        run(unit, new Header(version, minInstructionLength, defaultIsStmt, lineBase, lineRange, opcodeBase,
                opcodeLengths, directories, files));
    }

    /**
     * DWARF 4: include_directories then file_names, each list ended by an empty string. Directory 0 (the
     * compilation directory) is not in the table; index 0 of the files is unused.
     */
    private void readTablesV4(ByteBuffer unit, List<String> directories, List<Integer> files) {
        directories.add(null);
        for (String directory = DwarfLines.string(unit); !directory.isEmpty(); directory = DwarfLines.string(unit)) {
            directories.add(directory);
        }
        files.add(-1);
        for (String name = DwarfLines.string(unit); !name.isEmpty(); name = DwarfLines.string(unit)) {
            files.add(defineFile(name, Leb128.unsigned(unit), directories));
            Leb128.unsigned(unit); // modification time
            Leb128.unsigned(unit); // length
        }
    }

    /**
     * DWARF 5: an entry format (content type, form pairs), then the entries. Directories when {@code files} is
     * null, else files, whose names join their directory.
     */
    private void readEntriesV5(ByteBuffer unit, List<String> directories, List<Integer> files) {
        int formatCount = Byte.toUnsignedInt(unit.get());
        long[][] format = new long[formatCount][];
        for (int i = 0; i < formatCount; i++) {
            format[i] = new long[] {Leb128.unsigned(unit), Leb128.unsigned(unit)};
        }
        long count = Leb128.unsigned(unit);
        for (long entry = 0; entry < count; entry++) {
            String path = null;
            long directory = 0;
            for (long[] field : format) {
                Object value = form(unit, (int) field[1]);
                if (field[0] == DW_LNCT_PATH && value instanceof String text) {
                    path = text;
                } else if (field[0] == DW_LNCT_DIRECTORY_INDEX && value instanceof Long index) {
                    directory = index;
                }
            }
            if (files == null) {
                directories.add(path);
            } else {
                files.add(path == null ? -1 : defineFile(path, directory, directories));
            }
        }
    }

    /** A form's value: a String for string forms, a Long for constants, null for what is skipped (MD5, blocks). */
    private Object form(ByteBuffer unit, int form) {
        switch (form) {
            case DW_FORM_STRING:
                return DwarfLines.string(unit);
            case DW_FORM_LINE_STRP:
                return DwarfLines.stringAt(strings(".debug_line_str"), Integer.toUnsignedLong(unit.getInt()));
            case DW_FORM_STRP:
                return DwarfLines.stringAt(strings(".debug_str"), Integer.toUnsignedLong(unit.getInt()));
            case DW_FORM_UDATA:
                return Leb128.unsigned(unit);
            case DW_FORM_DATA1:
                return (long) Byte.toUnsignedInt(unit.get());
            case DW_FORM_DATA2:
                return (long) Short.toUnsignedInt(unit.getShort());
            case DW_FORM_DATA4:
                return Integer.toUnsignedLong(unit.getInt());
            case DW_FORM_DATA8:
                return unit.getLong();
            case DW_FORM_DATA16:
                skip(unit, 16);
                return null;
            case DW_FORM_BLOCK:
                skip(unit, Leb128.unsigned(unit));
                return null;
            default:
                throw new IllegalArgumentException("form 0x" + Integer.toHexString(form) + " in a line table header");
        }
    }

    private ByteBuffer strings(String name) {
        if (!fetched.containsKey(name)) {
            fetched.put(name, stringSections.apply(name));
        }
        return fetched.get(name);
    }

    private int defineFile(String name, long directory, List<String> directories) {
        String base = directory >= 0 && directory < directories.size() ? directories.get((int) directory) : null;
        boolean joined = base != null && !name.startsWith("/");
        return rows.file(joined ? base + (base.endsWith("/") ? "" : "/") + name : name);
    }

    /** The line state machine (DWARF 5 section 6.2.2), one row per copy, special opcode and end_sequence. */
    private void run(ByteBuffer unit, Header header) {
        long address = 0;
        int file = 1;
        int line = 1;
        while (unit.hasRemaining()) {
            int opcode = Byte.toUnsignedInt(unit.get());
            if (opcode >= header.opcodeBase()) {
                int adjusted = opcode - header.opcodeBase();
                address += (long) (adjusted / header.lineRange()) * header.minInstructionLength();
                line += header.lineBase() + adjusted % header.lineRange();
                rows.row(address, line, fileIndex(header, file));
                continue;
            }
            switch (opcode) {
                case 0 -> {
                    long length = Leb128.unsigned(unit);
                    if (length == 0 || length > unit.remaining()) {
                        throw new IllegalArgumentException("extended opcode length " + length);
                    }
                    int end = unit.position() + (int) length;
                    int extended = Byte.toUnsignedInt(unit.get());
                    if (extended == 1) { // end_sequence: the registers start over
                        rows.endSequence(address);
                        address = 0;
                        file = 1;
                        line = 1;
                    } else if (extended == 2) { // set_address
                        address = length - 1 == 8 ? unit.getLong() : Integer.toUnsignedLong(unit.getInt());
                    } else if (extended == 3 && header.version() <= 4) { // define_file
                        String name = DwarfLines.string(unit);
                        header.files().add(defineFile(name, Leb128.unsigned(unit), header.directories()));
                    } // set_discriminator and vendor opcodes do not change the position
                    unit.position(end);
                }
                case 1 -> rows.row(address, line, fileIndex(header, file)); // copy
                case 2 -> address += Leb128.unsigned(unit) * header.minInstructionLength(); // advance_pc
                case 3 -> line += (int) Leb128.signed(unit); // advance_line
                case 4 -> file = (int) Leb128.unsigned(unit); // set_file
                case 8 -> address += (long) ((255 - header.opcodeBase()) / header.lineRange())
                        * header.minInstructionLength(); // const_add_pc
                case 9 -> address += Short.toUnsignedInt(unit.getShort()); // fixed_advance_pc
                default -> { // set_column, negate_stmt, basic_block, prologue/epilogue, set_isa, future opcodes
                    for (int i = 0; i < header.opcodeLengths()[opcode]; i++) {
                        Leb128.unsigned(unit);
                    }
                }
            }
        }
    }

    private static int fileIndex(Header header, int file) {
        return file >= 0 && file < header.files().size() ? header.files().get(file) : -1;
    }

    private static void skip(ByteBuffer unit, long bytes) {
        if (bytes < 0 || bytes > unit.remaining()) {
            throw new IllegalArgumentException("skips past the end");
        }
        unit.position(unit.position() + (int) bytes);
    }
}
