package dev.crashcap.launch;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * crashcap.jar's Main-Class: runs the CLI ({@code dev.crashcap.cli.Main}) from the jar's nested classes
 * ({@link NestedClasses}). Exit codes and errors are the CLI's.
 */
public final class Main {
    /** The CLI's own main class, inside the nested jar. */
    static final String CLI = "dev.crashcap.cli.Main";

    private Main() {}

    public static void main(String[] args) throws Throwable {
        Method main;
        try {
            main = Class.forName(CLI, true, NestedClasses.cli()).getMethod("main", String[].class);
        } catch (IOException | ReflectiveOperationException | LinkageError e) {
            System.err.println("crashcap: crashcap.jar is damaged or incomplete: " + e);
            System.exit(1); // the CLI's ExitCode.INTERNAL_ERROR
            return;
        }
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause(); // the CLI's own: it says every error in one line, so this is a bug, shown as one
        }
    }
}
