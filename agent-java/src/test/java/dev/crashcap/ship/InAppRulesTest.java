package dev.crashcap.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.crashcap.bundle.Header;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.LibraryCaller;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of {@code in_app} on frames crashcap's own code and libraries meet, which no sample crash holds. */
class InAppRulesTest {
    private static final String JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64";

    private static InAppRules rules(String inApp, LoadedModule... modules) {
        Header header = new Header(null, null, null, null, null, null, JAVA_HOME, "Linux", "amd64", null, null, null,
                List.of(), Map.of(), null, null, null, null, null, null, inApp);
        Map<String, LoadedModule> byPath = new java.util.HashMap<>();
        for (LoadedModule module : modules) byPath.put(module.path(), module);
        return new InAppRules(header, byPath);
    }

    private static NativeFrame in(String path) {
        return new NativeFrame(0x1000, path, 0x10L, "f", 0x1L, false);
    }

    @Test
    void crashcapsOwnFramesAreNeverTheApplications() {
        LoadedModule agent = new LoadedModule("/opt/crashcap/libcrashcap.so", 0, 0x1000, null, false)
                .withLoadedBy(new LibraryCaller("dev.crashcap.agent.NativeAgent", "file:/opt/crashcap/crashcap.jar"));
        InAppRules rules = rules(null, agent);
        assertEquals(false, rules.of(in("/opt/crashcap/libcrashcap.so")));
        assertEquals(false, rules.of(new JavaFrame("dev.crashcap.agent.Agent", "premain", 1)));
        assertEquals(false, rules.of(new JavaFrame("dev.crashcap.collector.Uploader", "run", 1)));
        assertNull(rules.of(new JavaFrame("dev.crashcap.testapp.Crasher", "crash", 1)), "not crashcap's own");
    }

    @Test
    void namedPackagesMatchAtPackageBoundariesAndWin() {
        InAppRules rules = rules(" com.example ,org.acme.*");
        assertEquals(true, rules.of(new JavaFrame("com.example.Worker", "run", 1)));
        assertEquals(true, rules.of(new JavaFrame("com.example.deep.Inner$1", "run", 1)));
        assertEquals(true, rules.of(new JavaFrame("org.acme.Tool", "run", 1)));
        assertNull(rules.of(new JavaFrame("com.examples.Other", "run", 1)), "a prefix, not a package");
        assertEquals(false, rules.of(new JavaFrame("jdk.internal.misc.Unsafe", "park", 1)));
        assertEquals(false, rules.of(in(JAVA_HOME + "/lib/libnio.so")));
        assertEquals(false, rules.of(in("/usr/lib/x86_64-linux-gnu/libc.so.6")));
        assertEquals(false, rules.of(in("[vdso]")));
        assertNull(rules.of(in("/opt/vendor/libthing.so")), "nobody said who loaded it");
        assertNull(rules.of(new NativeFrame(0x1000, null, null, null, null, true)), "JIT code has no module");
    }

    @Test
    void aLibraryLoadedByTheJdkIsNotTheApplications() {
        LoadedModule module = new LoadedModule("/opt/x/libx.so", 0, 0x1000, null, false)
                .withLoadedBy(new LibraryCaller("java.lang.invoke.Something", null));
        assertEquals(false, rules(null, module).of(in("/opt/x/libx.so")));
        LoadedModule named = new LoadedModule("/opt/x/liby.so", 0, 0x1000, null, false)
                .withLoadedBy(new LibraryCaller("com.example.Native", null));
        assertEquals(true, rules("com.example", named).of(in("/opt/x/liby.so")));
    }
}
