package dev.crashcap.bundle;

/**
 * A Java frame: the class as {@code Class.getName()} gives it ({@code java.lang.Thread}), the method, the source
 * line (null if unknown), whether the method is {@code native} (then the native frames just before it are its
 * implementation) and the source file from the class's SourceFile attribute ({@code Thread.java}, null if unknown);
 * how it ran as the walk through the stack found it ({@code walkKind}: {@code interpreted}, {@code c1}, {@code c2},
 * {@code compiled}, {@code inlined}, {@code native}; null when unknown), its bytecode index (null if unknown) and its
 * frame's stack pointer (null if unknown; an inlined frame has the one of the compiled frame it was inlined into).
 */
public record JavaFrame(String className, String method, Integer line, boolean nativeMethod, String sourceFile,
        String walkKind, Integer bci, Long sp) implements Frame {

    /** A frame of a Java (not native) method. */
    public JavaFrame(String className, String method, Integer line) {
        this(className, method, line, false, null);
    }

    /** A frame without its source file. */
    public JavaFrame(String className, String method, Integer line, boolean nativeMethod) {
        this(className, method, line, nativeMethod, null);
    }

    /** A frame as captures before the walk through Java frames wrote them: no kind, bytecode index nor sp. */
    public JavaFrame(String className, String method, Integer line, boolean nativeMethod, String sourceFile) {
        this(className, method, line, nativeMethod, sourceFile, null, null, null);
    }

    /**
     * How the frame ran: {@code interpreted}, {@code c1} or {@code c2} (compiled by that compiler), {@code compiled}
     * (tier unknown), {@code inlined} (into the compiled frame that follows), {@code native} (a native method); null
     * when unknown (a capture of an older agent, a JVM whose layout crashcap cannot read, a frame only
     * AsyncGetCallTrace saw).
     */
    public String frameKind() {
        if (walkKind != null) {
            return walkKind;
        }
        return nativeMethod ? "native" : null;
    }

    /** This frame with the name, line and source file of another (the same frame, named later). */
    public JavaFrame namedAs(JavaFrame named) {
        return new JavaFrame(named.className, named.method, named.line, nativeMethod || named.nativeMethod,
                named.sourceFile, walkKind != null ? walkKind : named.walkKind, bci != null ? bci : named.bci,
                sp != null ? sp : named.sp);
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

    @Override
    public JavaFrame withoutStackPointer() {
        return sp == null ? this : new JavaFrame(className, method, line, nativeMethod, sourceFile, walkKind, bci, null);
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
