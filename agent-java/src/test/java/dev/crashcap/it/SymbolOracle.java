package dev.crashcap.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The symbol table of a module file as binutils reads it ({@code nm}, both {@code .symtab} and {@code .dynsym}):
 * an oracle independent of crashcap's own ELF readers, for checking the function names in bundles. Cached per file
 * (path, size and modification time), since the tests look up thousands of frames in the same few libraries.
 */
final class SymbolOracle {
    /** A function symbol: address relative to the module's load address (as crashcap's offsets are), size, name. */
    record Symbol(long value, long size, String name) {
        boolean contains(long address) {
            return size > 0 && Long.compareUnsigned(value, address) <= 0 && Long.compareUnsigned(address - value, size) < 0;
        }
    }

    private static final Map<String, SymbolOracle> CACHE = new ConcurrentHashMap<>();
    // nm -S: "value [size] type name"; only code: T/t text, W/w weak, i indirect (ifunc).
    private static final Pattern LINE = Pattern.compile("^([0-9a-f]+)\\s+(?:([0-9a-f]+)\\s+)?([TtWwi])\\s+(\\S+)$");

    private final List<Symbol> symbols;

    private SymbolOracle(List<Symbol> symbols) {
        this.symbols = symbols;
    }

    /**
     * The symbols of {@code file}, and of its separate debug file if the system has one for its build-id
     * ({@code /usr/lib/debug/.build-id/ab/cdef….debug}, as libc6-dbg installs them): a stripped library's local
     * functions are named there, and crashcap may name them from there too.
     */
    static SymbolOracle of(Path file, String buildId) throws IOException, InterruptedException {
        String key = file + "\0" + Files.size(file) + "\0" + Files.getLastModifiedTime(file).toMillis();
        SymbolOracle cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        List<Symbol> symbols = new ArrayList<>();
        read(List.of("nm", "-S", "--defined-only", file.toString()), symbols);
        read(List.of("nm", "-D", "-S", "--defined-only", file.toString()), symbols);
        if (buildId != null && buildId.length() > 2) {
            Path debug = Path.of("/usr/lib/debug/.build-id", buildId.substring(0, 2), buildId.substring(2) + ".debug");
            if (Files.isRegularFile(debug)) {
                read(List.of("nm", "-S", "--defined-only", debug.toString()), symbols);
            }
        }
        symbols.sort(Comparator.comparingLong(Symbol::value));
        SymbolOracle oracle = new SymbolOracle(List.copyOf(symbols));
        CACHE.put(key, oracle);
        return oracle;
    }

    private static void read(List<String> command, List<Symbol> into) throws IOException, InterruptedException {
        Process nm = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(nm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        nm.waitFor(); // "no symbols" (a stripped file) is an empty table, not an error
        for (String line : out.lines().toList()) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                String name = m.group(4);
                int version = name.indexOf('@'); // nm -D: "nanosleep@@GLIBC_2.2.5"
                into.add(new Symbol(Long.parseUnsignedLong(m.group(1), 16),
                        m.group(2) == null ? 0 : Long.parseUnsignedLong(m.group(2), 16),
                        version > 0 ? name.substring(0, version) : name));
            }
        }
    }

    /** The sized symbols that hold {@code address} (several when names are aliases of one function). */
    List<Symbol> containing(long address) {
        return symbols.stream().filter(s -> s.contains(address)).toList();
    }

    /** The symbols named {@code name} at exactly {@code value}. */
    List<Symbol> named(String name, long value) {
        return symbols.stream().filter(s -> s.value() == value && s.name().equals(name)).toList();
    }

    /** The GNU build-id of a file as binutils reads it, or null. */
    static String buildId(Path file) throws IOException, InterruptedException {
        Process readelf = new ProcessBuilder("readelf", "-n", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String notes = new String(readelf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        readelf.waitFor();
        Matcher m = Pattern.compile("Build ID: ([0-9a-f]+)").matcher(notes);
        return m.find() ? m.group(1) : null;
    }
}
