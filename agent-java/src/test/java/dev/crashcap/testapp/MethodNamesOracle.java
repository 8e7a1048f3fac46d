package dev.crashcap.testapp;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * crashcap's naming of Java methods from HotSpot's structures (agent-native/testlib/method_names_oracle.c, the
 * agent's own code linked on its own) against an oracle that shares nothing with it: reflection for the class and
 * method of every method and constructor of a few classes (JDK classes, this one, a nested class, a lambda's hidden
 * class), and StackWalker for the class, method, source file and line of each frame of a real stack at its bytecode
 * index. Prints one line per disagreement, then {@code checked <methods> methods, <frames> frames}; exits 0 when all
 * agreed. With {@code -Dcrashcap.namestestlib=/path/to/libcrashcapnames.so}.
 */
public final class MethodNamesOracle {
    static native String prepare();

    static native String name(Executable method, int bci);

    private static final List<String> mismatches = new ArrayList<>();
    private static int methods;
    private static int frames;

    static final class Nested {
        int deeper(int depth) {
            return depth == 0 ? walkHere() : deeper(depth - 1) + 1;
        }
    }

    public static void main(String[] args) {
        System.load(System.getProperty("crashcap.namestestlib"));
        String problem = prepare();
        if (problem != null) {
            System.out.println("layout not usable: " + problem);
            System.exit(2);
        }
        Supplier<Integer> lambda = () -> new Nested().deeper(3);
        List<Class<?>> classes = List.of(Thread.class, String.class, ConcurrentHashMap.class, MethodNamesOracle.class,
                Nested.class, lambda.getClass());
        for (Class<?> type : classes) {
            checkDeclared(type);
        }
        int walked = lambda.get();
        if (!lambda.getClass().isHidden()) mismatches.add("the lambda's class is not hidden: " + lambda.getClass());
        mismatches.forEach(System.out::println);
        System.out.println("checked " + methods + " methods, " + frames + " frames (" + walked + ")");
        System.exit(mismatches.isEmpty() ? 0 : 1);
    }

    /** Every declared method and constructor: class and method as reflection names them. */
    private static void checkDeclared(Class<?> type) {
        List<Executable> all = new ArrayList<>(List.of(type.getDeclaredMethods()));
        all.addAll(List.of(type.getDeclaredConstructors()));
        for (Executable executable : all) {
            String expected = type.getName() + "\t" + (executable instanceof Constructor ? "<init>" : executable.getName());
            String named = name(executable, -1);
            methods++;
            if (named == null || !named.startsWith(expected + "\t")) {
                mismatches.add("method " + executable + ": crashcap " + named + ", reflection " + expected);
            }
        }
    }

    /** This stack, frame by frame, as StackWalker sees it (hidden frames too: the lambda's). */
    static int walkHere() {
        StackWalker walker = StackWalker.getInstance(
                java.util.Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));
        walker.forEach(frame -> {
            Executable executable = find(frame.getDeclaringClass(), frame.getMethodName(), frame.getDescriptor());
            if (executable == null) return; // a frame of a method reflection does not list (a class initialiser)
            String named = name(executable, frame.getByteCodeIndex());
            String expected = frame.getClassName() + "\t" + frame.getMethodName() + "\t"
                    + (frame.getLineNumber() >= 0 ? frame.getLineNumber() : -1) + "\t"
                    + (frame.getFileName() == null ? "" : frame.getFileName());
            frames++;
            if (!expected.equals(named)) {
                mismatches.add("frame " + frame + " bci " + frame.getByteCodeIndex() + ": crashcap " + named
                        + ", StackWalker " + expected);
            }
        });
        return frames;
    }

    private static Executable find(Class<?> type, String name, String descriptor) {
        List<Executable> all = new ArrayList<>(List.of(type.getDeclaredMethods()));
        all.addAll(List.of(type.getDeclaredConstructors()));
        for (Executable executable : all) {
            String executableName = executable instanceof Constructor ? "<init>" : executable.getName();
            if (executableName.equals(name) && descriptorOf(executable).equals(descriptor)) return executable;
        }
        return null;
    }

    private static String descriptorOf(Executable executable) {
        StringBuilder descriptor = new StringBuilder("(");
        for (Class<?> parameter : executable.getParameterTypes()) descriptor.append(parameter.descriptorString());
        descriptor.append(')');
        descriptor.append(executable instanceof Method method ? method.getReturnType().descriptorString() : "V");
        return descriptor.toString();
    }
}
