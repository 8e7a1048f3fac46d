package dev.crashcap.bundle;

/**
 * A Java frame: the class in dotted form ({@code java.lang.Thread}), the method, the source line (null if unknown)
 * and whether the method is {@code native} (then the native frames just before it are its implementation).
 */
public record JavaFrame(String className, String method, Integer line, boolean nativeMethod) implements Frame {

    /** A frame of a Java (not native) method. */
    public JavaFrame(String className, String method, Integer line) {
        this(className, method, line, false);
    }

    @Override
    public String kind() {
        return "java";
    }

    /**
     * The class name in dotted form. AsyncGetCallTrace and JVMTI name classes by signature
     * ({@code Ldev/crashcap/Foo;}); the native side converts them, but a reader should not depend on it. A name
     * already dotted is kept as it is: a hidden class's name ({@code Foo$$Lambda$14/0x0000000800c03000}) holds a
     * slash that is part of the name.
     */
    public static String dottedClassName(String captured) {
        if (captured.length() > 2 && captured.startsWith("L") && captured.endsWith(";")) {
            return captured.substring(1, captured.length() - 1).replace('/', '.');
        }
        return captured;
    }
}
