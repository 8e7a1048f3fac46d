package dev.crashcap.bundle;

/**
 * A native frame. Only {@code pc} is always known; the module path is null when the pc is in no mapped ELF
 * file (JIT-compiled code, a bad jump), the function is null when no symbol covered the pc.
 */
public record NativeFrame(long pc, String modulePath, Long offset, String function, Long functionOffset)
        implements Frame {

    @Override
    public String kind() {
        return "native";
    }

    /** The module's file name, or null. */
    public String moduleName() {
        return LoadedModule.nameOf(modulePath);
    }
}
