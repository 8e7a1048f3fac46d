package dev.crashcap.bundle;

/**
 * A native frame. Only {@code pc} is always known; the module path is null when the pc is in no mapped ELF
 * file (JIT-compiled code, a bad jump), the function is null when no symbol covered the pc. The source file and
 * line come from the module's debug info after the crash (never from the capture); null when unknown.
 */
public record NativeFrame(long pc, String modulePath, Long offset, String function, Long functionOffset,
        String file, Integer line) implements Frame {

    /** A frame as captured: no source position. */
    public NativeFrame(long pc, String modulePath, Long offset, String function, Long functionOffset) {
        this(pc, modulePath, offset, function, functionOffset, null, null);
    }

    @Override
    public String kind() {
        return "native";
    }

    /** The module's file name, or null. */
    public String moduleName() {
        return LoadedModule.nameOf(modulePath);
    }

    /** The source file's name without its directories, or null. */
    public String fileName() {
        return file == null ? null : file.substring(file.lastIndexOf('/') + 1);
    }
}
