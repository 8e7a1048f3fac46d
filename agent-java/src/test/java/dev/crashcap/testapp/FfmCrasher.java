package dev.crashcap.testapp;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * A JVM that dies in libc through the Foreign Function &amp; Memory API (final in JDK 22): on the thread
 * {@value #THREAD_NAME}, {@link #measureHere} calls libc's {@code strlen} through a downcall handle with
 * {@code MemorySegment.ofAddress(0x10)}. The crash site is in libc, called from the JVM's downcall stub; the culprit is
 * the Java code that made the call. The test classes are Java 17 bytecode, so the API is reached by reflection; the
 * call itself is the real downcall. Run it on JDK 22 or later with {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class FfmCrasher {
    public static final String THREAD_NAME = "ffm-worker";

    public static void main(String[] args) throws Exception {
        MethodHandle strlen = strlen();
        Object bad = Class.forName("java.lang.foreign.MemorySegment").getMethod("ofAddress", long.class)
                .invoke(null, 0x10L);
        Thread worker = new Thread(() -> measureHere(strlen, bad), THREAD_NAME);
        worker.start();
        worker.join();
        System.err.println("FfmCrasher: still alive");
        System.exit(3);
    }

    static void measureHere(MethodHandle strlen, Object string) {
        try {
            System.out.println("length " + strlen.invokeWithArguments(string));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code Linker.nativeLinker().downcallHandle(strlen, FunctionDescriptor.of(JAVA_LONG, ADDRESS))}. */
    private static MethodHandle strlen() throws Exception {
        Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> valueLayouts = Class.forName("java.lang.foreign.ValueLayout");
        Object linker = linkerType.getMethod("nativeLinker").invoke(null);
        Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
        Optional<?> symbol = (Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
                .getMethod("find", String.class).invoke(lookup, "strlen");
        Object arguments = Array.newInstance(layoutType, 1);
        Array.set(arguments, 0, valueLayouts.getField("ADDRESS").get(null));
        Object descriptor = descriptorType.getMethod("of", layoutType, arguments.getClass())
                .invoke(null, valueLayouts.getField("JAVA_LONG").get(null), arguments);
        return (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType,
                Array.newInstance(optionType, 0).getClass())
                .invoke(linker, symbol.orElseThrow(), descriptor, Array.newInstance(optionType, 0));
    }
}
