package dev.crashcap.symbols;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line table of real files: the test JNI library this build makes ({@code -O1 -g}, DWARF 5 with gcc 12) and
 * small files compiled here with other flags. Expected lines are read from the sources, expected addresses from
 * {@code nm}.
 */
class DwarfLinesTest {
    private static final Path LIBRARY = BuiltLibrary.LIBRARY;

    @TempDir
    Path temporary;

    @Test
    void mapsTheTestLibrarysFaultingStoreToItsSourceLine() throws Exception {
        DwarfLines.Position position = lines(LIBRARY).at(BuiltLibrary.address(LIBRARY, "crashcaptest_write_null"));
        assertNotNull(position);
        assertTrue(position.file().endsWith("agent-native/testlib/crashcaptest.c"), position.file());
        assertEquals(BuiltLibrary.faultingLine(), position.line());
    }

    @Test
    void readsDwarf4() throws Exception {
        Path library = compile("-gdwarf-4");
        DwarfLines.Position position = lines(library).at(BuiltLibrary.address(library, "marked"));
        assertNotNull(position);
        assertEquals(temporary.resolve("marked.c").toString(), position.file());
        assertEquals(BuiltLibrary.lineOf(temporary.resolve("marked.c"), "MARK"), position.line());
    }

    @Test
    void readsCompressedDebugSections() throws Exception {
        Path library = compile("-gdwarf-5", "-gz=zlib");
        assertEquals(BuiltLibrary.lineOf(temporary.resolve("marked.c"), "MARK"),
                lines(library).at(BuiltLibrary.address(library, "marked")).line());
    }

    @Test
    void sequencesOutOfAddressOrderAreSortedAndGapsHaveNoLine() {
        DwarfLines.Builder builder = new DwarfLines.Builder();
        int file = builder.file("/src/x.c");
        builder.row(0x2000, 20, file);
        builder.row(0x2000, 21, file); // same address: the later row counts
        builder.row(0x2010, 22, file);
        builder.endSequence(0x2020);
        builder.row(0, 99, file); // a function the linker dropped
        builder.endSequence(0x30);
        builder.row(0x1000, 10, file);
        builder.endSequence(0x1010);
        builder.row(0x3000, 30, file); // never ended: the table broke off
        DwarfLines lines = builder.build();

        assertEquals(new DwarfLines.Position("/src/x.c", 10), lines.at(0x100f));
        assertNull(lines.at(0x1010), "between sequences");
        assertEquals(21, lines.at(0x2000).line());
        assertEquals(22, lines.at(0x201f).line());
        assertNull(lines.at(0x2020));
        assertNull(lines.at(0x10), "dropped functions are not at 0");
        assertNull(lines.at(0x3000), "a sequence without its end is not used");
    }

    @Test
    void noRowCoversTheElfHeader() {
        assertNull(lines(LIBRARY).at(0x10));
    }

    @Test
    void truncatedOrDamagedTablesGiveWhatCouldBeReadAndNeverThrow() throws Exception {
        ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(LIBRARY)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] debugLine = bytes(ElfSections.named(elf, ".debug_line"));
        ByteBuffer lineStrings = ElfSections.named(elf, ".debug_line_str");
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            byte[] damaged = java.util.Arrays.copyOf(debugLine, random.nextInt(debugLine.length + 1));
            if (i % 2 == 1 && damaged.length > 0) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            DwarfLines lines = assertDoesNotThrow(() -> DwarfLines.read(name -> switch (name) {
                case ".debug_line" -> ByteBuffer.wrap(damaged);
                case ".debug_line_str" -> lineStrings;
                default -> null;
            }));
            for (int probe = 0; probe < 20; probe++) {
                long address = random.nextInt(0x10000);
                assertDoesNotThrow(() -> lines.at(address));
            }
        }
    }

    @Test
    void aTruncatedModuleFileGivesNoLinesAndNeverThrows() throws Exception {
        byte[] whole = Files.readAllBytes(LIBRARY);
        Random random = new Random(7);
        for (int i = 0; i < 30; i++) {
            Path cut = Files.write(temporary.resolve("cut-" + i + ".so"),
                    java.util.Arrays.copyOf(whole, random.nextInt(whole.length)));
            ElfSymbols symbols = assertDoesNotThrow(() -> ElfSymbols.read(cut));
            if (symbols != null) {
                assertDoesNotThrow(() -> symbols.lines.at(0x1000));
            }
        }
    }

    private static DwarfLines lines(Path file) {
        ElfSymbols symbols = ElfSymbols.read(file);
        assertNotNull(symbols, file.toString());
        return symbols.lines;
    }

    private Path compile(String... flags) throws Exception {
        Path source = temporary.resolve("marked.c");
        Files.writeString(source, String.join("\n",
                "int sink;",
                "",
                "int marked(int value) {",
                "    sink = value; /* MARK */",
                "    return value + 1;",
                "}",
                ""));
        Path library = temporary.resolve("libmarked.so");
        List<String> command = new java.util.ArrayList<>(List.of("gcc", "-O1", "-shared", "-fPIC"));
        command.addAll(List.of(flags));
        command.addAll(List.of(source.toString(), "-o", library.toString()));
        BuiltLibrary.tool(command.toArray(String[]::new));
        return library;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

}
