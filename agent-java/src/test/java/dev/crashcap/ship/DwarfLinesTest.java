package dev.crashcap.ship;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
    private static final Path LIBRARY = Path.of("target/native-build/libcrashcaptest.so").toAbsolutePath();
    private static final Path SOURCE = Path.of("../agent-native/testlib/crashcaptest.c").toAbsolutePath().normalize();

    @TempDir
    Path temporary;

    @Test
    void mapsTheTestLibrarysFaultingStoreToItsSourceLine() throws Exception {
        DwarfLines.Position position = lines(LIBRARY).at(address(LIBRARY, "crashcaptest_write_null"));
        assertNotNull(position);
        assertTrue(position.file().endsWith("agent-native/testlib/crashcaptest.c"), position.file());
        assertEquals(lineOf(SOURCE, "*nowhere = value;"), position.line());
    }

    @Test
    void readsDwarf4() throws Exception {
        Path library = compile("-gdwarf-4");
        DwarfLines.Position position = lines(library).at(address(library, "marked"));
        assertNotNull(position);
        assertEquals(temporary.resolve("marked.c").toString(), position.file());
        assertEquals(lineOf(temporary.resolve("marked.c"), "MARK"), position.line());
    }

    @Test
    void readsCompressedDebugSections() throws Exception {
        Path library = compile("-gdwarf-5", "-gz=zlib");
        assertEquals(lineOf(temporary.resolve("marked.c"), "MARK"),
                lines(library).at(address(library, "marked")).line());
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
        tool(command.toArray(String[]::new));
        return library;
    }

    static long address(Path file, String function) throws Exception {
        return Long.parseLong(tool("nm", "--defined-only", file.toString()).lines()
                .filter(line -> line.endsWith(" " + function)).findFirst().orElseThrow().split(" ")[0], 16);
    }

    static int lineOf(Path source, String text) throws IOException {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " is not in " + source);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static String tool(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out;
    }
}
