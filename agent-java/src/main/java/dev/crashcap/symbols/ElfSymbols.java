package dev.crashcap.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The function symbols of an ELF64 little-endian file's {@code .symtab} (the full table, with the local
 * functions {@code .dynsym} lacks), its GNU build-id, and the address its first segment is linked at. Read
 * once, off the hot path, from the module file on disk.
 */
final class ElfSymbols {
    /** A function: linked address, size, name. */
    record Symbol(long address, long size, String name, int rank) {
    }

    private static final long MAX_FILE_BYTES = 1L << 30;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_NOTE = 7;
    private static final int PT_LOAD = 1;
    private static final int STT_FUNC = 2;
    private static final int NT_GNU_BUILD_ID = 3;

    final String buildId;
    final long linkBase;
    private final List<Symbol> functions;
    final DwarfLines lines;
    /** The file name {@code .gnu_debuglink} gives for the separate debug file, or null. */
    final String debugLink;

    private ElfSymbols(String buildId, long linkBase, List<Symbol> functions, DwarfLines lines, String debugLink,
            boolean headerOnly) {
        this.headerOnly = headerOnly;
        this.buildId = buildId;
        this.linkBase = linkBase;
        this.functions = functions;
        this.lines = lines;
        this.debugLink = debugLink;
    }

    /**
     * True when only the build-id was read ({@link #read(Path, String)} found another build): no functions, no
     * lines, no debug link.
     */
    final boolean headerOnly;

    /** The file's symbols, or null if it is not a readable ELF64 little-endian file. */
    static ElfSymbols read(Path file) {
        return read(file, null);
    }

    /**
     * As {@link #read(Path)}, but when the file's build-id is not {@code wantedBuildId} (and that is not null) only
     * the build-id is read: a symbol table is never used for another build, and parsing one (libjvm's has 48,000
     * functions) costs tens of milliseconds.
     */
    static ElfSymbols read(Path file, String wantedBuildId) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < 64 || channel.size() > MAX_FILE_BYTES) {
                return null;
            }
            ByteBuffer elf = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) {
                return null;
            }
            String buildId = buildId(elf);
            if (wantedBuildId != null && !wantedBuildId.equalsIgnoreCase(String.valueOf(buildId))) {
                return new ElfSymbols(buildId, linkBase(elf), List.of(), DwarfLines.NONE, null, true);
            }
            return new ElfSymbols(buildId, linkBase(elf), functions(elf), lines(elf), debugLink(elf), false);
        } catch (IOException | RuntimeException e) {
            return null; // a damaged or unusual file gives no names, never a failure
        }
    }

    /** The function covering {@code address} (as linked), or null. */
    Symbol at(long address) {
        int low = 0;
        int high = functions.size() - 1;
        Symbol best = null;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Symbol symbol = functions.get(mid);
            if (Long.compareUnsigned(symbol.address(), address) <= 0) {
                best = symbol;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return best != null && Long.compareUnsigned(address - best.address(), best.size()) < 0 ? best : null;
    }

    /** Whether the file has any function symbols: a stripped library has none (its names are in a debug file). */
    boolean hasFunctions() {
        return !functions.isEmpty();
    }

    /** The name in {@code .gnu_debuglink} (a file name, then its CRC, which the build-id check makes moot), or null. */
    private static String debugLink(ByteBuffer elf) {
        try {
            ByteBuffer section = ElfSections.named(elf, ".gnu_debuglink");
            return section == null ? null : ElfSections.string(section, 0);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The line table; a damaged one gives what could be read, a missing one none. */
    private static DwarfLines lines(ByteBuffer elf) {
        try {
            return DwarfLines.read(name -> ElfSections.named(elf, name));
        } catch (RuntimeException e) {
            return DwarfLines.NONE;
        }
    }

    /** The page-aligned address of the first PT_LOAD segment: where the module's base is linked. */
    private static long linkBase(ByteBuffer elf) {
        long phoff = elf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
        int phnum = Short.toUnsignedInt(elf.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int header = Math.toIntExact(phoff + (long) i * phentsize);
            if (elf.getInt(header) == PT_LOAD) {
                return elf.getLong(header + 16) & ~0xfffL;
            }
        }
        return 0;
    }

    private static String buildId(ByteBuffer elf) {
        for (int[] section : sections(elf)) {
            if (section[1] != SHT_NOTE) {
                continue;
            }
            int position = section[2];
            int end = position + section[3];
            while (position + 12 <= end) {
                int nameSize = elf.getInt(position);
                int descSize = elf.getInt(position + 4);
                int type = elf.getInt(position + 8);
                int desc = position + 12 + align4(nameSize);
                if (type == NT_GNU_BUILD_ID && nameSize == 4 && elf.getInt(position + 12) == 0x00554e47) {
                    byte[] id = new byte[descSize];
                    elf.get(desc, id);
                    return HexFormat.of().formatHex(id);
                }
                position = desc + align4(descSize);
            }
        }
        return null;
    }

    private static List<Symbol> functions(ByteBuffer elf) {
        List<int[]> sections = sections(elf);
        List<Symbol> functions = new ArrayList<>();
        for (int[] section : sections) {
            if (section[1] != SHT_SYMTAB) {
                continue;
            }
            int[] strings = sections.get(section[4]);
            for (int entry = section[2]; entry + 24 <= section[2] + section[3]; entry += 24) {
                int info = elf.get(entry + 4) & 0xf;
                int binding = (elf.get(entry + 4) >> 4) & 0xf;
                int sectionIndex = Short.toUnsignedInt(elf.getShort(entry + 6));
                long value = elf.getLong(entry + 8);
                long size = elf.getLong(entry + 16);
                if (info == STT_FUNC && sectionIndex != 0 && size > 0) {
                    functions.add(new Symbol(value, size, ElfSections.string(elf, strings[2] + elf.getInt(entry)), rank(binding)));
                }
            }
        }
        // Aliases share an address (foo and foo.localalias): the lookup takes the last, so the global name wins;
        // among names bound alike, the plainest (glibc's debug file has clone3, __clone3 and __GI___clone3, all
        // local): the fewest leading underscores, then the shortest.
        // (the addresses compared unboxed: boxing each one was most of the time spent reading libjvm's table)
        functions.sort(Comparator.<Symbol>comparingLong(symbol -> symbol.address() ^ Long.MIN_VALUE).thenComparingInt(Symbol::rank)
                .thenComparing(Comparator.comparingInt((Symbol symbol) -> leadingUnderscores(symbol.name())).reversed())
                .thenComparing(Comparator.comparingInt((Symbol symbol) -> symbol.name().length()).reversed()));
        return functions;
    }

    private static int leadingUnderscores(String name) {
        int count = 0;
        while (count < name.length() && name.charAt(count) == '_') {
            count++;
        }
        return count;
    }

    /** Local 0, weak 1, global 2: the preferred name of an address ranks highest. */
    private static int rank(int binding) {
        return binding == 1 ? 2 : binding == 2 ? 1 : 0;
    }

    /** Each section as {name offset, type, file offset, size, link}. */
    private static List<int[]> sections(ByteBuffer elf) {
        long shoff = elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(elf.getShort(0x3c));
        List<int[]> sections = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int header = Math.toIntExact(shoff + (long) i * shentsize);
            sections.add(new int[] {elf.getInt(header), elf.getInt(header + 4),
                    Math.toIntExact(elf.getLong(header + 24)), Math.toIntExact(elf.getLong(header + 32)),
                    elf.getInt(header + 40)});
        }
        return sections;
    }

    private static int align4(int size) {
        return (size + 3) & ~3;
    }
}
