package dev.crashcap.ship;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the native frames the dying process could not: it reads only {@code .dynsym} (exported functions), so
 * static functions are nameless in the capture. Their names come from {@code .symtab} of the module file on
 * disk, used only when its build-id is the one the capture recorded (a different build would give wrong names
 * with confidence). DWARF file:line is not done.
 */
public final class Symbolizer {
    private final Map<String, ElfSymbols> files = new HashMap<>();

    /** The bundle with names filled in where the capture had none; the same bundle if nothing was found. */
    public static Bundle apply(Bundle bundle) {
        return new Symbolizer().symbolize(bundle);
    }

    private Bundle symbolize(Bundle bundle) {
        List<ThreadInfo> threads = new ArrayList<>();
        boolean changed = false;
        for (ThreadInfo thread : bundle.threads()) {
            List<Frame> frames = new ArrayList<>();
            for (Frame frame : thread.frames()) {
                Frame named = frame instanceof NativeFrame n ? name(bundle, n) : frame;
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

    private Frame name(Bundle bundle, NativeFrame frame) {
        if (frame.function() != null || frame.modulePath() == null || frame.offset() == null) {
            return frame;
        }
        LoadedModule module = bundle.moduleByPath(frame.modulePath());
        if (module == null || module.buildId() == null) {
            return frame;
        }
        ElfSymbols symbols = files.computeIfAbsent(frame.modulePath(), Symbolizer::read);
        if (symbols == null || !module.buildId().equalsIgnoreCase(String.valueOf(symbols.buildId))) {
            return frame;
        }
        long address = symbols.linkBase + frame.offset();
        ElfSymbols.Symbol symbol = symbols.at(address);
        if (symbol == null) {
            return frame;
        }
        return new NativeFrame(frame.pc(), frame.modulePath(), frame.offset(), symbol.name(),
                address - symbol.address());
    }

    private static ElfSymbols read(String path) {
        try {
            return ElfSymbols.read(Path.of(path));
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
