package dev.crashcap.bundle;

/**
 * A Java frame: the class as {@code Class.getName()} gives it ({@code java.lang.Thread}), the method, the source
 * line (null if unknown), whether the method is {@code native} (then the native frames just before it are its
 * implementation) and the source file from the class's SourceFile attribute ({@code Thread.java}, null if unknown).
 */
public record JavaFrame(String className, String method, Integer line, boolean nativeMethod, String sourceFile)
        implements Frame {

    /** A frame of a Java (not native) method. */
    public JavaFrame(String className, String method, Integer line) {
        this(className, method, line, false, null);
    }

    /** A frame without its source file. */
    public JavaFrame(String className, String method, Integer line, boolean nativeMethod) {
        this(className, method, line, nativeMethod, null);
    }

    /**
     * How much the capture knows of how the frame ran: {@code native} for a native method, else null.
     * AsyncGetCallTrace, which takes Java frames in the signal handler, does not say whether a frame was
     * interpreted, compiled or inlined.
     */
    public String frameKind() {
        return nativeMethod ? "native" : null;
    }

    /**
     * {@code at com.example.Worker.step(Worker.java:41)}, as a Java stack trace writes it ({@code (Native Method)},
     * {@code (Worker.java)} without a line, {@code (Unknown Source)}); a line without a file is kept as
     * {@code (line 41)}.
     */
    public String javaStyle() {
        String where;
        if (nativeMethod) {
            where = "Native Method";
        } else if (sourceFile != null) {
            where = line == null ? sourceFile : sourceFile + ":" + line;
        } else {
            where = line == null ? "Unknown Source" : "line " + line;
        }
        return "at " + className + "." + method + "(" + where + ")";
    }

    @Override
    public String kind() {
        return "java";
    }

    /**
     * The class name as {@code Class.getName()} gives it. AsyncGetCallTrace and JVMTI name classes by signature
     * ({@code Ldev/crashcap/Foo;}, a hidden class {@code Ldev/crashcap/Foo$$Lambda.0x0000000800c03000;}); the
     * native side converts them, but a reader should not depend on it. A converted name is kept as it is: a hidden
     * class's name ({@code Foo$$Lambda/0x0000000800c03000}) holds a slash that is part of the name.
     */
    public static String dottedClassName(String captured) {
        if (captured.length() > 2 && captured.startsWith("L") && captured.endsWith(";")) {
            StringBuilder name = new StringBuilder(captured.length() - 2);
            for (char c : captured.substring(1, captured.length() - 1).toCharArray()) {
                name.append(c == '/' ? '.' : c == '.' ? '/' : c); // internal form; a hidden class's suffix
            }
            return name.toString();
        }
        return captured;
    }
}
