package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Context;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.StackBounds;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.symbols.Symbolizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each register of the crashing thread points into, as hs_err's "Register to memory mapping" says it: a
 * module (and its function, when the module file or its debug file is here), a thread's stack, the Java heap, the
 * native heap, other anonymous memory, a mapped file, or nothing. Made at reading time from what the bundle already
 * holds (modules, every thread's stack bounds) and the mapping the handler found for each register.
 */
final class RegisterTargets {
    /** {@code kind}: {@code null}, {@code module}, {@code thread}, {@code java-heap}, {@code stack}, {@code heap},
     * {@code anonymous}, {@code file}, {@code none}; {@code text} says it for a person. */
    record Target(String register, long value, String kind, String text) {
    }

    /** Registers that hold flags or fault codes, never an address: hs_err maps only the general ones too. */
    private static final Set<String> NOT_ADDRESSES = Set.of("eflags", "trapno", "err", "oldmask", "csgsfs", "pstate");

    private RegisterTargets() {
    }

    static List<Target> of(Bundle bundle) {
        ThreadInfo crashing = bundle.crashingThread();
        if (crashing == null || crashing.registers().isEmpty()) {
            return List.of();
        }
        Map<Long, String> functions = Symbolizer.functionNames(bundle, crashing.registers().values());
        List<Target> targets = new ArrayList<>();
        for (Map.Entry<String, Long> register : crashing.registers().entrySet()) {
            if (NOT_ADDRESSES.contains(register.getKey())) {
                continue;
            }
            targets.add(target(bundle, crashing, register.getKey(), register.getValue(), functions));
        }
        return targets;
    }

    private static Target target(Bundle bundle, ThreadInfo crashing, String name, long value,
            Map<Long, String> functions) {
        Context context = bundle.context();
        if (value == 0) {
            return new Target(name, value, "null", "null");
        }
        LoadedModule module = bundle.moduleAt(value);
        if (module != null) {
            String function = functions.get(value);
            String where = module.name() + "+" + Hex.of(value - module.base());
            return new Target(name, value, "module", function == null ? where : where + " (" + function + ")");
        }
        Long owner = context.javaThreads().get(name);
        if (owner != null) {
            return new Target(name, value, "thread", "the JavaThread of " + threadName(bundle, owner) + " (tid " + owner + ")");
        }
        if (context.heapStart() != null && context.heapBytes() != null && Long.compareUnsigned(value, context.heapStart()) >= 0
                && Long.compareUnsigned(value - context.heapStart(), context.heapBytes()) < 0) {
            return new Target(name, value, "java-heap", "the Java heap (+" + Hex.of(value - context.heapStart()) + ")");
        }
        for (ThreadInfo thread : bundle.threads()) {
            StackBounds stack = thread.stack();
            if (stack != null && Long.compareUnsigned(value, stack.low() - StackBounds.GUARD_REACH) >= 0
                    && Long.compareUnsigned(value, stack.high()) < 0) {
                return new Target(name, value, "stack", stackText(thread, crashing, value));
            }
        }
        Context.Mapping mapping = context.mappings().get(name);
        if (mapping == null || Long.compareUnsigned(value, mapping.start()) < 0
                || Long.compareUnsigned(value, mapping.end()) >= 0) {
            return new Target(name, value, "none", "no mapped memory");
        }
        String perms = mapping.perms().isEmpty() ? "" : " (" + mapping.perms() + ")";
        return switch (mapping.path()) {
            case "[heap]" -> new Target(name, value, "heap", "the native heap (malloc)" + perms);
            case "" -> new Target(name, value, "anonymous",
                    "anonymous memory" + perms + ", " + Sizes.bytes(mapping.end() - mapping.start()) + " at "
                            + Hex.of(mapping.start()) + (mapping.perms().contains("x") ? ": generated code (JIT?)"
                            : ": malloc arenas, Java thread data, JVM structures"));
            default -> new Target(name, value, "file", mapping.path() + perms);
        };
    }

    private static String threadName(Bundle bundle, long tid) {
        for (ThreadInfo thread : bundle.threads()) {
            if (thread.tid() != null && thread.tid() == tid) {
                return "\"" + ReportText.orUnknown(thread.name()) + "\"";
            }
        }
        return "a thread";
    }

    private static String stackText(ThreadInfo thread, ThreadInfo crashing, long value) {
        String owner = thread == crashing ? "the crashing thread's stack"
                : "the stack of \"" + ReportText.orUnknown(thread.name()) + "\" (tid " + ReportText.tid(thread) + ")";
        Long sp = thread.stackPointer();
        if (sp == null) {
            return owner;
        }
        long offset = value - sp;
        return owner + (offset >= 0 ? ", sp+" + Hex.of(offset) : ", sp-" + Hex.of(-offset) + " (below sp)");
    }
}
