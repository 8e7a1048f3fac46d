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
    private final Map<String, ElfSymbols> files = new HashMap<>(); // by path; null: not a readable ELF file
    private final Map<String, ElfSymbols> debugFiles = new HashMap<>(); // by build-id; null: none that matches
    private final Path debugRoot;
    private final Debuginfod debuginfod; // null: no server is asked
    private final Map<String, SymbolsFile.Entry> saved; // null: ask the module files
    private final Map<String, SymbolsFile.Entry> found = new LinkedHashMap<>();
    private final ModuleFiles moduleFiles;

    private Symbolizer(List<SymbolsFile.Entry> saved, Path debugRoot, Debuginfod debuginfod) {
        this(saved, debugRoot, debuginfod, new ModuleFiles());
    }

    private Symbolizer(List<SymbolsFile.Entry> saved, Path debugRoot, Debuginfod debuginfod, ModuleFiles moduleFiles) {
        this.moduleFiles = moduleFiles;
        this.debugRoot = debugRoot;
        this.debuginfod = debuginfod;
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
        return apply(bundle, false);
    }

    /**
     * The same; with {@code askDebuginfod}, debug files missing on this machine are also asked of the debuginfod
     * servers in {@code DEBUGINFOD_URLS} ({@link Debuginfod}).
     */
    public static Bundle apply(Bundle bundle, boolean askDebuginfod) {
        Debuginfod debuginfod = askDebuginfod ? Debuginfod.fromEnvironment(System.getenv()) : null;
        return apply(bundle, DebugFiles.ROOT, debuginfod);
    }

    /**
     * As {@link #apply(Bundle)}, with the module files read for earlier bundles kept in {@code moduleFiles} (a bundle
     * without symbols.txt asks them again).
     */
    public static Bundle apply(Bundle bundle, ModuleFiles moduleFiles) {
        return apply(bundle, DebugFiles.ROOT, null, moduleFiles);
    }

    static Bundle apply(Bundle bundle, Path debugRoot, Debuginfod debuginfod) {
        return apply(bundle, debugRoot, debuginfod, new ModuleFiles());
    }

    private static Bundle apply(Bundle bundle, Path debugRoot, Debuginfod debuginfod, ModuleFiles moduleFiles) {
        Bundle named = new Symbolizer(SymbolsFile.read(bundle.directory()), debugRoot, debuginfod, moduleFiles)
                .symbolize(bundle);
        List<String> functions = new ArrayList<>();
        for (ThreadInfo thread : named.threads()) {
            for (Frame frame : thread.frames()) {
                if (frame instanceof NativeFrame nativeFrame && nativeFrame.function() != null) {
                    functions.add(nativeFrame.function());
                }
            }
        }
        Demangler.learn(functions); // C++ names for the reports, with one run of c++filt
        return named;
    }

    /** What the module files say about the bundle's native frames, for {@code symbols.txt}. */
    public static List<SymbolsFile.Entry> fromModuleFiles(Bundle bundle) {
        return fromModuleFiles(bundle, DebugFiles.ROOT);
    }

    /** The same, with separate debug files looked for under {@code debugRoot} instead of /usr/lib/debug. */
    static List<SymbolsFile.Entry> fromModuleFiles(Bundle bundle, Path debugRoot) {
        return fromModuleFiles(bundle, debugRoot, new ModuleFiles());
    }

    /** As {@link #fromModuleFiles(Bundle)}, with the files read for earlier bundles kept in {@code moduleFiles}. */
    public static List<SymbolsFile.Entry> fromModuleFiles(Bundle bundle, ModuleFiles moduleFiles) {
        return fromModuleFiles(bundle, DebugFiles.ROOT, moduleFiles);
    }

    static List<SymbolsFile.Entry> fromModuleFiles(Bundle bundle, Path debugRoot, ModuleFiles moduleFiles) {
        Symbolizer symbolizer = new Symbolizer(null, debugRoot, null, moduleFiles);
        symbolizer.symbolize(bundle);
        return new ArrayList<>(symbolizer.found.values());
    }

    /**
     * {@code function+0x12} for each address that lies in a function of one of the bundle's modules, from the module
     * files on this machine or their debug files (build-ids must match), for the report's register mapping;
     * addresses it cannot name are absent.
     */
    public static Map<Long, String> functionNames(Bundle bundle, java.util.Collection<Long> addresses) {
        Symbolizer symbolizer = new Symbolizer(null, DebugFiles.ROOT, null);
        Map<Long, String> names = new LinkedHashMap<>();
        for (Long address : addresses) {
            LoadedModule module = address == null ? null : bundle.moduleAt(address);
            if (module == null || module.buildId() == null) {
                continue;
            }
            SymbolsFile.Entry entry = symbolizer.lookUp(module, address - module.base(), true);
            if (entry != null && entry.function() != null) {
                names.put(address, entry.function() + "+0x" + Long.toHexString(entry.functionOffset()));
            }
        }
        return names;
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
            threads.add(thread.withFrames(frames));
        }
        if (!changed) {
            return bundle;
        }
        return new Bundle(bundle.directory(), bundle.header(), bundle.crash(), threads, bundle.threadsSummary(),
                bundle.modules(), bundle.captureMicros(), bundle.truncated(), bundle.warnings(), bundle.kind(),
                bundle.locks(), bundle.context());
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
                frame.file() != null ? frame.line() : entry.line(), frame.exact(), frame.sp());
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
        ElfSymbols symbols = file(module.path(), module.buildId());
        if (symbols != null && !module.buildId().equalsIgnoreCase(String.valueOf(symbols.buildId))) {
            symbols = null; // another build of the module is on disk now
        }
        ElfSymbols debug = symbols != null && symbols.hasFunctions() && symbols.lines != DwarfLines.NONE ? null
                : debugFile(module, symbols);
        ElfSymbols.Symbol symbol = null;
        Long functionOffset = null;
        DwarfLines.Position position = null;
        for (ElfSymbols source : new ElfSymbols[] {symbols, debug}) { // the module's own first, then its debug file
            if (source == null) {
                continue;
            }
            long address = source.linkBase + offset;
            long lookup = exact ? address : address - 1; // a return address: the call is just before it
            if (symbol == null && (symbol = source.at(lookup)) != null) {
                functionOffset = address - symbol.address();
            }
            position = position != null ? position : source.lines.at(lookup);
        }
        if (symbol == null && position == null) {
            return null;
        }
        SymbolsFile.Entry entry = new SymbolsFile.Entry(module.buildId(), offset,
                symbol == null ? null : symbol.name(), functionOffset,
                position == null ? null : position.file(), position == null ? null : position.line(), exact);
        found.put(key, entry);
        return entry;
    }

    private ElfSymbols file(String path, String buildId) {
        if (!files.containsKey(path)) {
            files.put(path, read(path, buildId));
        }
        return files.get(path);
    }

    /**
     * The module's separate debug file ({@link DebugFiles}) whose build-id is the module's, or null. Found by
     * build-id even when the module file itself is gone from this machine.
     */
    private ElfSymbols debugFile(LoadedModule module, ElfSymbols moduleFile) {
        String buildId = module.buildId().toLowerCase(java.util.Locale.ROOT);
        if (!debugFiles.containsKey(buildId)) {
            ElfSymbols found = null;
            List<Path> candidates = new ArrayList<>(DebugFiles.candidates(debugRoot, buildId, module.path(),
                    moduleFile == null ? null : moduleFile.debugLink));
            if (candidates.isEmpty() && debuginfod != null) { // the network only for what is not here
                Path downloaded = debuginfod.debugFile(buildId);
                if (downloaded != null) {
                    candidates.add(downloaded);
                }
            }
            for (Path candidate : candidates) {
                ElfSymbols debug = moduleFiles.read(candidate, buildId);
                if (debug != null && buildId.equalsIgnoreCase(String.valueOf(debug.buildId))) {
                    found = debug;
                    break;
                }
            }
            debugFiles.put(buildId, found);
        }
        return debugFiles.get(buildId);
    }

    private ElfSymbols read(String path, String buildId) {
        try {
            return moduleFiles.read(Path.of(path), buildId);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
