package dev.crashcap.symbols;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Module and debug files read once for many bundles: finishing a backlog of crashes of one application looks up
 * the same libjvm.so, libc.so.6 … for every bundle, and reading libjvm's symbol table took ~50 ms each time. A file
 * is read again when it changed on disk (its size, time or inode), so an upgrade in the middle is seen; the
 * build-id check stays with the caller. At most {@value #MAX_FILES} files are kept (the least recently used
 * goes), and the owner drops the whole when its pass is over ({@link #clear}): in an application's JVM the
 * background uploader must not hold symbol tables between passes.
 */
public final class ModuleFiles {
    static final int MAX_FILES = 32;

    /** What identifies a file's contents without reading it. */
    private record Identity(long size, long modifiedMillis, Object fileKey) {
    }

    private record Kept(Identity identity, ElfSymbols symbols) {
    }

    private final Map<Path, Kept> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Kept> eldest) {
            return size() > MAX_FILES;
        }
    };

    /**
     * The file's symbols as {@link ElfSymbols#read(Path, String)} gives them: parsed in full only when its build-id
     * is {@code wantedBuildId}; null if it is not a readable ELF file.
     */
    synchronized ElfSymbols read(Path file, String wantedBuildId) {
        Identity identity = identity(file);
        if (identity == null) {
            kept.remove(file);
            return null; // no such file (here)
        }
        Kept entry = kept.get(file);
        // a file read only as far as its build-id serves every caller that wants another build
        boolean usable = entry != null && entry.identity().equals(identity)
                && (entry.symbols() == null || !entry.symbols().headerOnly
                        || (wantedBuildId != null && !wantedBuildId.equalsIgnoreCase(String.valueOf(entry.symbols().buildId))));
        if (!usable) {
            entry = new Kept(identity, ElfSymbols.read(file, wantedBuildId));
            kept.put(file, entry);
        }
        return entry.symbols();
    }

    /** Forgets every file read. */
    public synchronized void clear() {
        kept.clear();
    }

    private static Identity identity(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Identity(attributes.size(), attributes.lastModifiedTime().toMillis(), attributes.fileKey());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
