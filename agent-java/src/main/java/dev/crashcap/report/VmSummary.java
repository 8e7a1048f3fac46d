package dev.crashcap.report;

import dev.crashcap.bundle.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's configuration in the words of hs_err's "Java VM:" line, from the flags the handler read at the crash
 * (docs/bundle-format.md, {@code context.vm}): how code runs (mixed, interpreted or compiled mode, class data
 * sharing, tiered), which GC, compressed oops and class pointers, heap sizes, and the flags whose value did not
 * come from their default. Null parts where the capture does not say.
 */
record VmSummary(String mode, String gc, Boolean jit, Boolean tiered, Boolean sharing, Boolean compressedOops,
        Boolean compressedClassPointers, Boolean compactObjectHeaders, Long initialHeap, Long minHeap, Long maxHeap,
        List<Context.Flag> nonDefaultFlags) {

    /** GC flag to the name hs_err gives it in its "Java VM:" line. */
    private static final String[][] GCS = {
        {"UseSerialGC", "serial gc"}, {"UseParallelGC", "parallel gc"}, {"UseG1GC", "g1 gc"}, {"UseZGC", "z gc"},
        {"UseShenandoahGC", "shenandoah gc"}, {"UseEpsilonGC", "epsilon gc"},
    };

    static VmSummary of(Context context) {
        Boolean compiler = bool(context, "UseCompiler");
        Boolean interpreter = bool(context, "UseInterpreter");
        Boolean sharing = bool(context, "UseSharedSpaces"); // not a flag any more in JDK 25: then java.vm.info says
        if (sharing == null && context.jvmInfo() != null) {
            sharing = context.jvmInfo().contains("sharing");
        }
        List<Context.Flag> changed = new ArrayList<>();
        for (Context.Flag flag : context.flags()) {
            if (!flag.isDefault()) {
                changed.add(flag);
            }
        }
        return new VmSummary(mode(context.jvmInfo(), compiler, interpreter, sharing), gc(context), compiler,
                bool(context, "TieredCompilation"), sharing, bool(context, "UseCompressedOops"),
                bool(context, "UseCompressedClassPointers"), bool(context, "UseCompactObjectHeaders"),
                number(context, "InitialHeapSize"), number(context, "MinHeapSize"), number(context, "MaxHeapSize"),
                List.copyOf(changed));
    }

    /** {@code java.vm.info} as the JVM said it when the agent armed, else the same words from the flags. */
    private static String mode(String jvmInfo, Boolean compiler, Boolean interpreter, Boolean sharing) {
        if (jvmInfo != null) {
            return jvmInfo;
        }
        if (compiler == null || interpreter == null) {
            return null;
        }
        String mode = !compiler ? "interpreted mode" : !interpreter ? "compiled mode" : "mixed mode";
        return Boolean.TRUE.equals(sharing) ? mode + ", sharing" : mode;
    }

    private static String gc(Context context) {
        for (String[] gc : GCS) {
            if (Boolean.TRUE.equals(bool(context, gc[0]))) {
                return gc[1];
            }
        }
        return null;
    }

    private static Boolean bool(Context context, String name) {
        Context.Flag flag = context.flag(name);
        return flag == null ? null : flag.bool();
    }

    private static Long number(Context context, String name) {
        Context.Flag flag = context.flag(name);
        return flag == null ? null : flag.number();
    }

    /** True when the capture had flags to say anything from. */
    boolean known() {
        return mode != null || gc != null || !nonDefaultFlags.isEmpty();
    }

    /**
     * {@code mixed mode, sharing, tiered, compressed oops, compressed class ptrs, g1 gc}: hs_err's "Java VM:" words
     * after the version, in its order.
     */
    String line() {
        List<String> parts = new ArrayList<>();
        if (mode != null) {
            parts.add(mode);
        }
        if (Boolean.TRUE.equals(tiered) && Boolean.TRUE.equals(jit)) {
            parts.add("tiered");
        }
        if (Boolean.TRUE.equals(compressedOops)) {
            parts.add("compressed oops");
        }
        if (Boolean.TRUE.equals(compactObjectHeaders)) {
            parts.add("compact obj headers");
        } else if (Boolean.TRUE.equals(compressedClassPointers)) {
            parts.add("compressed class ptrs");
        }
        if (gc != null) {
            parts.add(gc);
        }
        return String.join(", ", parts);
    }
}
