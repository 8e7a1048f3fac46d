package dev.crashcap.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A long-running JVM for the tests of modules and frames (dev.crashcap.it.ModuleTruthIT), driven through its stdin.
 * At start it loads libcrashcaptest.so and leaves a Java thread {@value #SLEEPER} asleep in it (three C frames deep)
 * and a native thread {@code cc-truth}; then:
 * <ul>
 * <li>{@code load <path>}: System.load of that library (libtruthmodules.so), answers {@code loaded};</li>
 * <li>{@code load-deleted <path>}: copies the library to a new file next to the working directory's
 *     {@code libtruthcopy-<n>.so}, loads the copy and deletes it, answers {@code loaded <copy>};</li>
 * <li>{@code crash}: thread {@value Crasher#THREAD_NAME} dies in {@code truth_write_null} of the loaded library;</li>
 * <li>{@code crash-end}: it dies in a function called as the last instruction of its caller
 *     ({@code truth_tail_caller});</li>
 * <li>{@code ping}: answers {@code pong}.</li>
 * </ul>
 */
public final class TruthModules {
    public static final String READY = "truth-modules ready";
    public static final String SLEEPER = "truth-sleeper";

    static native int crashWriteNull(int value);

    static native void crashAtFunctionEnd();

    public static void main(String[] args) throws Exception {
        System.load(System.getProperty("crashcap.testlib"));
        Thread sleeper = new Thread(() -> Crasher.sleepInNative(600_000), SLEEPER);
        sleeper.setDaemon(true);
        sleeper.start();
        Crasher.startNativeThread("cc-truth");
        System.out.println(READY);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("load ")) {
                System.load(line.substring("load ".length()));
                answer("loaded");
            } else if (line.startsWith("load-deleted ")) {
                Path copy = Files.createTempFile(Path.of("").toAbsolutePath(), "libtruthcopy-", ".so");
                Path original = Path.of(line.substring("load-deleted ".length()));
                Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toString());
                Files.delete(copy);
                answer("loaded " + copy);
            } else if (line.equals("crash") || line.equals("crash-end")) {
                boolean atEnd = line.equals("crash-end");
                Thread worker = new Thread(() -> {
                    if (atEnd) crashAtFunctionEnd();
                    else crashWriteNull(7);
                }, Crasher.THREAD_NAME);
                worker.start();
                worker.join();
                System.err.println("TruthModules: still alive after '" + line + "'");
                System.exit(3);
            } else if (line.equals("ping")) {
                answer("pong");
            }
        }
    }

    private static void answer(String text) {
        System.out.println(text);
        System.out.flush();
    }
}
