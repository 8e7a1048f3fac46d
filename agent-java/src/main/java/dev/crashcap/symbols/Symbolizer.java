package dev.crashcap.symbols;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adds what the dying process could not find out about native frames: it reads only {@code .dynsym} (exported
 * functions), so static functions are nameless in the capture, and it reads no debug info. Names come from
 * {@code .symtab}, source file and line from {@code .debug_line} of the module file on disk, used only when its
 * build-id is the one the capture recorded (a different build would give wrong answers with confidence). A
 * finished bundle keeps what was found in {@code symbols.txt}, which is used instead of the module files when
 * present: the bundle may have moved to a machine without them.
 */
public final class Symbolizer {
    private final Map<String, ElfSymbols> files = new HashMap<>();
    private final Map<String, SymbolsFile.Entry> saved; // null: ask the module files
    private final Map<String, SymbolsFile.Entry> found = new LinkedHashMap<>();

    private Symbolizer(List<SymbolsFile.Entry> saved) {
        if (saved == null) {
            this.saved = null;
            return;
        }
        this.saved = new HashMap<>();
        for (SymbolsFile.Entry entry : saved) {
            if (entry.exact() != null) {
                this.saved.putIfAbsent(SymbolsFile.key(entry.buildId(), entry.offset(), entry.exact()), entry);
            } else { // a file from before entries said which: it served both
                this.saved.putIfAbsent(SymbolsFile.key(entry.buildId(), entry.offset(), true), entry);
                this.saved.putIfAbsent(SymbolsFile.key(entry.buildId(), entry.offset(), false), entry);
            }
        }
    }

    /** The bundle with names and lines filled in where the capture had none; the same bundle if nothing was found. */
    public static Bundle apply(Bundle bundle) {
        return new Symbolizer(SymbolsFile.read(bundle.directory())).symbolize(bundle);
    }

    /** What the module files say about the bundle's native frames, for {@code symbols.txt}. */
    public static List<SymbolsFile.Entry> fromModuleFiles(Bundle bundle) {
        Symbolizer symbolizer = new Symbolizer(null);
        symbolizer.symbolize(bundle);
        return new ArrayList<>(symbolizer.found.values());
    }

    private Bundle symbolize(Bundle bundle) {
        List<ThreadInfo> threads = new ArrayList<>();
        boolean changed = false;
        for (ThreadInfo thread : bundle.threads()) {
            List<Frame> frames = new ArrayList<>();
            for (Frame frame : thread.frames()) {
                Frame named = frame instanceof NativeFrame n ? resolve(bundle, n) : frame;
                changed |= named != frame;
                frames.add(named);
            }
            threads.add(new ThreadInfo(thread.tid(), thread.name(), thread.java(), thread.crashed(), thread.signal(),
                    thread.state(), thread.kernelState(), thread.missing(), thread.registers(), thread.stack(),
                    thread.stackPointer(), frames, thread.unwindStop()));
        }
        if (!changed) {
            return bundle;
        }
        return new Bundle(bundle.directory(), bundle.header(), bundle.crash(), threads, bundle.threadsSummary(),
                bundle.modules(), bundle.captureMicros(), bundle.truncated(), bundle.warnings(), bundle.kind(),
                bundle.locks());
    }

    private Frame resolve(Bundle bundle, NativeFrame frame) {
        if (frame.modulePath() == null || frame.offset() == null) {
            return frame;
        }
        LoadedModule module = bundle.moduleByPath(frame.modulePath());
        if (module == null || module.buildId() == null) {
            return frame;
        }
        SymbolsFile.Entry entry = saved != null
                ? saved.get(SymbolsFile.key(module.buildId(), frame.offset(), frame.exact()))
                : lookUp(module, frame.offset(), frame.exact());
        return entry == null ? frame : merged(frame, entry);
    }

    /** The frame with what it lacked taken from the entry: a name the capture had stays. */
    private static NativeFrame merged(NativeFrame frame, SymbolsFile.Entry entry) {
        boolean named = frame.function() != null;
        NativeFrame merged = new NativeFrame(frame.pc(), frame.modulePath(), frame.offset(),
                named ? frame.function() : entry.function(),
                named ? frame.functionOffset() : entry.function() == null ? null : entry.functionOffset(),
                frame.file() != null ? frame.file() : entry.file(),
                frame.file() != null ? frame.line() : entry.line(), frame.exact());
        return Objects.equals(merged, frame) ? frame : merged;
    }

    /**
     * What the module file says about an offset in it, remembered for symbols.txt; null if nothing. A return
     * address ({@code exact} false) is looked up one byte before it, at the call: the call may end its line, or even
     * its function (a call to a function that never returns), and the next byte belong to the next one.
     */
    private SymbolsFile.Entry lookUp(LoadedModule module, long offset, boolean exact) {
        String key = SymbolsFile.key(module.buildId(), offset, exact);
        if (found.containsKey(key)) {
            return found.get(key);
        }
        ElfSymbols symbols = files.computeIfAbsent(module.path(), Symbolizer::read);
        if (symbols == null || !module.buildId().equalsIgnoreCase(String.valueOf(symbols.buildId))) {
            return null;
        }
        long address = symbols.linkBase + offset;
        long lookup = exact ? address : address - 1;
        ElfSymbols.Symbol symbol = symbols.at(lookup);
        DwarfLines.Position position = symbols.lines.at(lookup);
        if (symbol == null && position == null) {
            return null;
        }
        SymbolsFile.Entry entry = new SymbolsFile.Entry(module.buildId(), offset,
                symbol == null ? null : symbol.name(), symbol == null ? null : address - symbol.address(),
                position == null ? null : position.file(), position == null ? null : position.line(), exact);
        found.put(key, entry);
        return entry;
    }

    private static ElfSymbols read(String path) {
        try {
            return ElfSymbols.read(Path.of(path));
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
