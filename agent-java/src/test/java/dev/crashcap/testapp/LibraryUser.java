package dev.crashcap.testapp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * An application with its own (old) JNA and Byte Buddy on the class path, which must run unchanged when
 * crashcap is there too, at start-up or attached. It prints which jar each library was loaded from and uses
 * both for real: JNA calls getpid() in libc, Byte Buddy generates a class. It does the same again for every
 * {@code again} on stdin, and exits on {@code exit} (or end of input).
 */
public final class LibraryUser {
    public static final String DONE = "library-user round done";

    public interface CLibrary extends Library {
        int getpid();
    }

    public static void main(String[] args) throws Exception {
        round();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            if (line.equals("again")) round();
        }
    }

    static void round() throws Exception {
        CLibrary c = Native.load("c", CLibrary.class);
        System.out.println("jna " + Native.VERSION + " from " + jarOf(Native.class)
                + ", getpid matches: " + (c.getpid() == ProcessHandle.current().pid()));
        Object generated = new ByteBuddy()
                .subclass(Object.class)
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made by byte buddy"))
                .make()
                .load(LibraryUser.class.getClassLoader())
                .getLoaded()
                .getDeclaredConstructor()
                .newInstance();
        System.out.println("byte-buddy from " + jarOf(ByteBuddy.class) + ": " + generated);
        System.out.println(DONE);
        System.out.flush();
    }

    private static String jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
    }
}
