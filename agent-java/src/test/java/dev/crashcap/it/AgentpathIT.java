package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.collector.LoopbackCollector;
import dev.crashcap.collector.LoopbackCollector.Mode;
import dev.crashcap.collector.Spool;
import dev.crashcap.collector.SpoolState;
import dev.crashcap.testapp.AttachTarget;
import dev.crashcap.testapp.Crasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code -agentpath:lib/libcrashcap.so[=options]} from the unpacked distribution (agent-java/target/crashcap), as
 * README's "Use" says: the same bundle as {@code -javaagent} (the header record for record, every thread), the same
 * end of the crash, the same options and warnings, upload by the Java half loaded only then from lib/crashcap.jar,
 * and attach and dump see the JVM as armed.
 */
class AgentpathIT {
    private static final Path DISTRIBUTION = Path.of(System.getProperty("crashcap.distribution", "not-set"));
    private static final Path LIBRARY = DISTRIBUTION.resolve("lib/libcrashcap.so");
    private static final Path JAR = DISTRIBUTION.resolve("lib/crashcap.jar");

    @TempDir
    Path work;

    /**
     * The same crash under -agentpath and under -javaagent, with the same options, working directory and
     * environment: the headers differ only in the pid, the start time and the argument that armed the process,
     * inspect --json sees the same JVM, OS and agent, and both bundles hold the same threads (neither starts the
     * upload thread: no target, nothing to finish). The crash ends as without crashcap.
     */
    @ParameterizedTest
    @ValueSource(strings = {"segv", "abort"})
    void aCrashLeavesTheBundleJavaagentLeaves(String kind) throws Exception {
        Path app = Files.createDirectories(work.resolve("app"));
        String options = "dir=bundles,release=shop@1.4.2,in-app=dev.crashcap";
        TestJvm.Result withAgentpath = TestJvm.run(app, crasher(List.of(agentpath(options)), kind), Map.of());
        TestJvm.Result without = TestJvm.run(work.resolve("without-agent"), crasher(List.of(), kind), Map.of());
        TestJvm.assertSameEnd(without, withAgentpath);
        assertEquals("", withAgentpath.stderr(), "nothing of crashcap's on stderr");
        Path bundle = Inspect.onlyBundle(app.resolve("bundles"));
        Path fromAgentpath = Files.move(bundle, Files.createDirectories(work.resolve("agentpath")).resolve("bundle"));

        TestJvm.Result withJavaagent = TestJvm.run(app,
                crasher(List.of("-javaagent:" + JAR + "=" + options), kind), Map.of());
        TestJvm.assertSameEnd(without, withJavaagent);
        Path fromJavaagent = Inspect.onlyBundle(app.resolve("bundles"));

        List<String> agentpathHeader = header(fromAgentpath, withAgentpath.pid());
        List<String> javaagentHeader = header(fromJavaagent, withJavaagent.pid());
        assertTrue(agentpathHeader.contains("arg\t" + agentpath(options)), agentpathHeader.toString());
        assertEquals(javaagentHeader, agentpathHeader.stream()
                .map(line -> line.equals("arg\t" + agentpath(options))
                        ? "arg\t-javaagent:" + JAR + "=" + options : line)
                .collect(Collectors.toList()), "the header of -agentpath is the header of -javaagent");

        Map<String, Object> agentpathJson = Inspect.json(work, fromAgentpath); // and the invariants of every bundle
        Map<String, Object> javaagentJson = Inspect.json(work, fromJavaagent);
        for (String part : List.of("jvm", "os", "agent", "diagnosis")) {
            assertEquals(javaagentJson.get(part), agentpathJson.get(part), part);
        }
        for (String part : List.of("name", "code", "address")) {
            assertEquals(Inspect.object(javaagentJson, "signal").get(part),
                    Inspect.object(agentpathJson, "signal").get(part), "signal " + part);
        }
        assertEquals(threadNames(javaagentJson), threadNames(agentpathJson), "the same threads");
        Map<String, Object> summary = Inspect.object(agentpathJson, "threadsSummary");
        assertEquals(((List<?>) agentpathJson.get("threads")).size(), ((Number) summary.get("total")).intValue(),
                "every thread of the process is in the bundle: " + summary);
        assertEquals(((Number) summary.get("total")).intValue() - 1, ((Number) summary.get("answered")).intValue(),
                "every thread but the crashing one unwound itself: " + summary);
        if (kind.equals("segv")) {
            Path hsErr = Path.of((String) agentpathJson.get("hsErr"));
            Map<Long, Map<String, Object>> byTid = new HashMap<>();
            for (Object thread : (List<?>) agentpathJson.get("threads")) {
                @SuppressWarnings("unchecked") Map<String, Object> t = (Map<String, Object>) thread;
                byTid.put(((Number) t.get("tid")).longValue(), t);
            }
            byTid.put(((Number) Inspect.object(agentpathJson, "crashingThread").get("tid")).longValue(),
                    Inspect.object(agentpathJson, "crashingThread"));
            for (ThreadOracle.Seen seen : ThreadOracle.hsErrThreads(hsErr).values()) {
                assertTrue(byTid.containsKey(seen.tid()), "hs_err's " + seen + " is in the bundle");
                if (!ThreadOracle.HIDDEN.matcher(seen.name()).matches()) {
                    assertEquals(seen.name(), byTid.get(seen.tid()).get("name"), "the name of tid " + seen.tid());
                }
            }
        }
    }

    /** The container way: the option in JAVA_TOOL_OPTIONS; the JVM's own "Picked up" line is all stderr has. */
    @Test
    void armedThroughJavaToolOptions() throws Exception {
        Path app = Files.createDirectories(work.resolve("app"));
        String flag = agentpath("dir=" + work.resolve("bundles"));
        TestJvm.Result crash = TestJvm.run(app, crasher(List.of(), "segv"), Map.of("JAVA_TOOL_OPTIONS", flag));
        assertNotEquals(0, crash.exitCode());
        assertEquals("Picked up JAVA_TOOL_OPTIONS: " + flag + "\n", crash.stderr());
        Path bundle = Inspect.onlyBundle(work.resolve("bundles"));
        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals(Crasher.THREAD_NAME, Inspect.object(json, "crashingThread").get("name"));
        assertTrue(header(bundle, crash.pid()).contains("env\tJAVA_TOOL_OPTIONS\t" + flag));
    }

    /**
     * One precedence: the agent argument over -Dcrashcap.*, over CRASHCAP_*, over SENTRY_*, over the default; the
     * same warnings, word for word, as -javaagent for an unknown option and a bad count, and arming goes on.
     */
    @Test
    void optionsHaveTheJavaagentPrecedenceAndWarnings() throws Exception {
        Path app = Files.createDirectories(work.resolve("app"));
        String options = "release=from-argument,bogus=1,max-mb=abc";
        List<String> properties = List.of("-Dcrashcap.release=from-property", "-Dcrashcap.environment=from-property");
        Map<String, String> env = Map.of("CRASHCAP_ENVIRONMENT", "from-environment", "CRASHCAP_IN_APP", "from.env",
                "CRASHCAP_DIR", "env-bundles", "SENTRY_RELEASE", "from-sentry");
        List<String> agentpathRun = new ArrayList<>(properties);
        agentpathRun.add(0, agentpath(options));
        TestJvm.Result agentpath = TestJvm.run(app, crasher(agentpathRun, "segv"), env);
        Path bundle = Inspect.onlyBundle(app.resolve("env-bundles"));
        List<String> header = header(bundle, agentpath.pid());
        assertTrue(header.containsAll(List.of("agent.bundleFolder\t" + app.resolve("env-bundles"),
                "app.release\tfrom-argument", "app.environment\tfrom-property", "app.inApp\tfrom.env")),
                header.toString());
        Files.move(bundle, work.resolve("first"));

        List<String> javaagentRun = new ArrayList<>(properties);
        javaagentRun.add(0, "-javaagent:" + JAR + "=" + options);
        TestJvm.Result javaagent = TestJvm.run(app, crasher(javaagentRun, "segv"), env);
        List<String> lines = agentpath.stderr().lines().toList();
        assertEquals(javaagent.stderr().lines().toList(), lines, "the same warnings as -javaagent");
        assertEquals(2, lines.size(), agentpath.stderr());
        assertTrue(lines.get(0).startsWith("crashcap: unknown agent option 'bogus' ignored (known: dir, url,"),
                lines.get(0));
        assertEquals("crashcap: agent option 'max-mb=abc' is not a whole number of 0 or more; the default is used",
                lines.get(1));

        // nothing set: ./crashcap in the working directory
        Path plain = Files.createDirectories(work.resolve("plain"));
        TestJvm.Result defaults = TestJvm.run(plain, crasher(List.of("-agentpath:" + LIBRARY), "segv"), Map.of());
        assertEquals("", defaults.stderr());
        assertTrue(header(Inspect.onlyBundle(plain.resolve("crashcap")), defaults.pid()).contains("agent.options\t"));
    }

    /**
     * -agentpath and -javaagent on one command line, in either order: the first arms, the second adds no second set
     * of handlers (one bundle), and the jar after -agentpath loads no second copy of the library (it sees
     * crashcap.agentpath and binds to the agent library: one libcrashcap in the maps hs_err lists).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bothWaysInOnOneCommandLineArmOnce(boolean agentpathFirst) throws Exception {
        Path app = Files.createDirectories(work.resolve("app"));
        List<String> ways = new ArrayList<>(List.of(agentpath("dir=" + work.resolve("bundles")),
                "-javaagent:" + JAR + "=dir=" + work.resolve("bundles")));
        if (!agentpathFirst) java.util.Collections.reverse(ways);
        TestJvm.Result crash = TestJvm.run(app, crasher(ways, "segv"), Map.of());
        assertNotEquals(0, crash.exitCode());
        assertEquals("", crash.stderr());
        Path bundle = Inspect.onlyBundle(work.resolve("bundles"));
        Map<String, Object> json = Inspect.json(work, bundle);
        // (two sets of handlers, when the jar loaded its own copy after -agentpath armed, lost hs_err here)
        assertTrue(json.get("hsErr") instanceof String, "the bundle found the JVM's hs_err: " + json.get("hsErr"));
        ProcessMaps maps = ProcessMaps.ofHsErr(Files.readString(Path.of((String) json.get("hsErr"))));
        List<String> libraries = maps.mappings().stream().map(ProcessMaps.Mapping::path)
                .filter(path -> Path.of(path).getFileName() != null
                        && Path.of(path).getFileName().toString().matches("libcrashcap(-[0-9a-f]+)?\\.so"))
                .distinct().toList();
        // The JVM loads the -agentpath library in any case; the jar's copy from the cache only if it came first.
        assertEquals(agentpathFirst ? List.of(LIBRARY.toString()) : 2, agentpathFirst ? libraries : libraries.size(),
                libraries.toString());
    }

    /** A bundle folder other users may write to: not armed, in one line, and the application runs on unharmed. */
    @Test
    void aSharedFolderIsRefusedInOneLineAndTheJvmRuns() throws Exception {
        Path shared = Files.createDirectories(work.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> command = TestJvm.command(List.of(), List.of(agentpath("dir=" + shared)),
                "dev.crashcap.testapp.HealthyApp");
        TestJvm.Result healthy = TestJvm.run(work.resolve("app"), command, Map.of());
        assertEquals(dev.crashcap.testapp.HealthyApp.EXIT_CODE, healthy.exitCode(), healthy.stderr());
        assertEquals(1, healthy.stderr().lines().count(), healthy.stderr());
        assertTrue(healthy.stderr().startsWith("crashcap: not armed: bundle folder " + shared
                + " is writable by other users (mode rwxrwxrwx)"), healthy.stderr());
    }

    /**
     * url= under -agentpath: the Java upload thread, loaded only for this from lib/crashcap.jar, ships the bundle an
     * earlier crash left to a collector on loopback; then attach says the JVM is armed already, and dump works (its
     * jar binds to the agent library's native methods, the JVM's own handlers stay the only ones).
     */
    @Test
    void uploadsFromTheLazilyLoadedJarAndAttachSaysArmedAlready() throws Exception {
        Path folder = work.resolve("bundles");
        Path app = Files.createDirectories(work.resolve("app"));
        TestJvm.Result crashed = TestJvm.run(app, crasher(List.of(agentpath("dir=" + folder)), "segv"), Map.of());
        assertNotEquals(0, crashed.exitCode());
        Path bundle = Inspect.onlyBundle(folder);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            List<String> options = new ArrayList<>(List.of(
                    agentpath("dir=" + folder + ",url=" + collector.url("/bundles")),
                    // the upload thread's first pass at once, not after the 3 s it leaves an application to start up
                    "-Dcrashcap.uploadDelayMillis=0", "-Dcrashcap.verbose"));
            // dump loads the jar as an agent: JDK 21+ warns about that unless allowed (README, attach)
            if (TestJvm.featureVersion() >= 21) options.add("-XX:+EnableDynamicAgentLoading");
            List<String> command = TestJvm.command(List.of(), options, AttachTarget.class.getName());
            try (RunningJvm jvm = RunningJvm.start(app, command, Map.of())) {
                jvm.awaitOutput(AttachTarget.READY);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Spool.stateOf(bundle) != SpoolState.SENT && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertEquals(SpoolState.SENT, Spool.stateOf(bundle), jvm.stderr());
                assertEquals(1, collector.requests().size(), jvm.stderr());

                TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()));
                assertEquals(0, attach.exitCode(), attach.stderr());
                assertTrue(attach.stdout().startsWith("pid " + jvm.pid() + " is already armed: crash bundles go to "
                        + folder), attach.stdout());

                TestJvm.Result status = TestJvm.cli(work, "status", Long.toString(jvm.pid()));
                assertEquals(0, status.exitCode(), status.stderr());
                assertTrue(status.stdout().contains("bundle folder: " + folder), status.stdout());
                assertTrue(status.stdout().contains("option:        url=" + collector.url("/bundles")
                        + "  (agent argument)"), status.stdout());
                assertTrue(status.stdout().contains("option:        verbose=true  (-Dcrashcap.verbose)"), status.stdout());
                assertTrue(status.stdout().contains("armed by:      -agentpath at start-up"), status.stdout());
                String first = status.stdout().lines().findFirst().orElse("");
                String version = first.substring(first.lastIndexOf(' ') + 1); // the project's, compiled into the library

                TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
                assertEquals(0, dump.exitCode(), dump.stderr());
                Path snapshot = Path.of(dump.stdout().strip());
                assertTrue(snapshot.startsWith(folder), snapshot.toString());
                Map<String, Object> json = Inspect.json(work, snapshot);
                assertEquals("snapshot", json.get("kind"));
                Inspect.thread(json, Crasher.THREAD_NAME);
                assertTrue(Files.readAllLines(Path.of("/proc/" + jvm.pid() + "/maps")).stream()
                                .noneMatch(line -> line.contains("libcrashcap-")),
                        "no second copy of the library was loaded");
                jvm.send("exit");
                assertEquals(0, jvm.awaitExit(), jvm.stderr());
                String stderr = jvm.stderr();
                // verbose's line, and the upload thread's log line, as under -javaagent; nothing else
                assertEquals(List.of("crashcap " + version + ": armed pid " + jvm.pid()
                        + ", crash bundles go to " + folder, "crashcap: sent " + bundle + " (HTTP 200: stored)"),
                        stderr.lines().toList());
            }
        }
    }

    /**
     * Without an upload target, both ways in finish the bundle an earlier crash left, in the background, and say
     * nothing: the native arming sees the unfinished bundle and starts the Java part (under -agentpath from
     * lib/crashcap.jar). -agentpath used to leave it to crashcap finish.
     */
    @ParameterizedTest
    @ValueSource(strings = {"agentpath", "javaagent"})
    void finishesAnEarlierCrashsBundleWithoutAnUploadTarget(String way) throws Exception {
        Path folder = work.resolve("bundles");
        Path app = Files.createDirectories(work.resolve("app"));
        TestJvm.Result crashed = TestJvm.run(app, crasher(List.of(agentpath("dir=" + folder)), "segv"), Map.of());
        assertNotEquals(0, crashed.exitCode());
        Path bundle = Inspect.onlyBundle(folder);
        assertFalse(Files.exists(bundle.resolve("bundle.zip")), "the crash leaves the bundle unfinished");
        List<String> command = TestJvm.command(List.of(), List.of(armedBy(way, "dir=" + folder),
                "-Dcrashcap.uploadDelayMillis=0"), AttachTarget.class.getName());
        try (RunningJvm jvm = RunningJvm.start(app, command, Map.of())) {
            jvm.awaitOutput(AttachTarget.READY);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(bundle.resolve("bundle.zip")) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertTrue(Files.isRegularFile(bundle.resolve("bundle.zip")), "finished: " + jvm.stderr());
            assertTrue(Files.isRegularFile(bundle.resolve("manifest.json")), jvm.stderr());
            jvm.send("exit");
            assertEquals(0, jvm.awaitExit(), jvm.stderr());
            assertEquals("", jvm.stderr(), "nothing on the application's stderr");
        }
    }

    /**
     * No target and nothing to finish: neither way in starts the crashcap-upload thread, so nothing of the Java
     * upload part is loaded (-javaagent used to start it always, to find nothing 3 s later).
     */
    @ParameterizedTest
    @ValueSource(strings = {"agentpath", "javaagent"})
    void noUploadThreadWithoutWork(String way) throws Exception {
        Path folder = work.resolve("bundles");
        Path app = Files.createDirectories(work.resolve("app"));
        List<String> command = TestJvm.command(List.of(), List.of(armedBy(way, "dir=" + folder)),
                AttachTarget.class.getName());
        try (RunningJvm jvm = RunningJvm.start(app, command, Map.of())) {
            jvm.awaitOutput(AttachTarget.READY); // armed: premain / VMInit ran before main
            List<String> threads = new ArrayList<>();
            try (var tasks = Files.list(Path.of("/proc/" + jvm.pid() + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        threads.add(Files.readString(task.resolve("comm")).strip());
                    } catch (IOException gone) {
                        // a thread that ended meanwhile
                    }
                }
            }
            assertTrue(threads.contains("crashcap-sweep"), "armed, and the names can be read: " + threads);
            assertFalse(threads.contains("crashcap-upload"), threads.toString()); // the kernel's name: 15 characters
            jvm.send("exit");
            assertEquals(0, jvm.awaitExit(), jvm.stderr());
            assertEquals("", jvm.stderr());
        }
    }

    private static String armedBy(String way, String options) {
        return way.equals("agentpath") ? agentpath(options) : "-javaagent:" + JAR + "=" + options;
    }

    /** No crashcap.jar next to the library: one line says upload is off, and the crash is captured all the same. */
    @Test
    void withoutTheJarUploadIsOffInOneLineAndArmingStands() throws Exception {
        Path lonely = Files.createDirectories(work.resolve("lonely"));
        Path library = Files.copy(LIBRARY, lonely.resolve("libcrashcap.so"));
        Path folder = work.resolve("bundles");
        List<String> command = crasher(List.of("-agentpath:" + library + "=dir=" + folder
                + ",url=http://127.0.0.1:9/bundles"), "segv");
        TestJvm.Result crash = TestJvm.run(work.resolve("app"), command, Map.of());
        assertNotEquals(0, crash.exitCode());
        assertEquals(1, crash.stderr().lines().count(), crash.stderr());
        assertTrue(crash.stderr().startsWith("crashcap: upload is off: no " + lonely.resolve("crashcap.jar")
                + " next to the library"), crash.stderr());
        Inspect.json(work, Inspect.onlyBundle(folder));
    }

    private static String agentpath(String options) {
        return "-agentpath:" + LIBRARY + (options.isEmpty() ? "" : "=" + options);
    }

    private static List<String> crasher(List<String> jvmOptions, String kind) {
        return TestJvm.command(List.of(), jvmOptions, Crasher.class.getName(), kind);
    }

    /** The header section of capture.txt, without the two records that differ from run to run (pid, start). */
    private static List<String> header(Path bundle, long pid) throws IOException {
        List<String> header = new ArrayList<>();
        boolean inHeader = false;
        for (String line : Files.readAllLines(bundle.resolve("capture.txt"), StandardCharsets.UTF_8)) {
            if (line.startsWith("section\t")) {
                if (inHeader) break;
                inHeader = line.equals("section\theader");
            }
            if (!inHeader) continue;
            if (line.equals("process.pid\t" + pid)) continue;
            if (line.startsWith("process.startEpochMillis\t")) continue;
            header.add(line);
        }
        assertTrue(header.size() > 10, "a header: " + header);
        return header;
    }

    private static TreeSet<String> threadNames(Map<String, Object> json) {
        TreeSet<String> names = new TreeSet<>();
        for (Object name : Inspect.threadNames(json)) {
            names.add((String) name);
        }
        names.add((String) Inspect.object(json, "crashingThread").get("name"));
        return names;
    }
}
