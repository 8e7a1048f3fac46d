package dev.crashcap.bundle;

/**
 * A native frame. Only {@code pc} is always known; the module path is null when the pc is in no mapped ELF
 * file (JIT-compiled code, a bad jump), the function is null when no symbol covered the pc. The source file and
 * line come from the module's debug info after the crash (never from the capture); null when unknown.
 * {@code exact} is what the capture says about the pc: the instruction the thread was stopped at (frame 0 of a
 * thread a signal stopped, the frame a signal handler interrupted), or else a return address, whose call is the
 * instruction before it: {@link #lookupAddress()}. {@code sp} is the frame's stack pointer (null when the capture has
 * none: older agents). A frame of HotSpot-generated code that is no Java method (the call stub through which C++ calls
 * Java, a runtime stub) has no module and HotSpot's name of that code as its function.
 */
public record NativeFrame(long pc, String modulePath, Long offset, String function, Long functionOffset,
        String file, Integer line, boolean exact, Long sp) implements Frame {

    /** A frame as captured: no source position. */
    public NativeFrame(long pc, String modulePath, Long offset, String function, Long functionOffset, boolean exact) {
        this(pc, modulePath, offset, function, functionOffset, null, null, exact, null);
    }

    /** A frame without a stack pointer. */
    public NativeFrame(long pc, String modulePath, Long offset, String function, Long functionOffset,
            String file, Integer line, boolean exact) {
        this(pc, modulePath, offset, function, functionOffset, file, line, exact, null);
    }

    /**
     * The address that lies in the frame's function and line: the pc when it is exact, else the byte before the
     * return address (a call to a function that never returns may be the last instruction of its caller, so the
     * return address itself may be the first byte of the next function).
     */
    public long lookupAddress() {
        return exact ? pc : pc - 1;
    }

    @Override
    public String kind() {
        return "native";
    }

    @Override
    public NativeFrame withoutStackPointer() {
        return sp == null ? this : new NativeFrame(pc, modulePath, offset, function, functionOffset, file, line, exact, null);
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
