package dev.crashcap.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Samples;
import dev.crashcap.cli.Main;
import dev.crashcap.collector.LoopbackCollector;
import dev.crashcap.collector.SentryTransport;
import dev.crashcap.secrets.HsErrRedaction;
import dev.crashcap.symbols.BuiltLibrary;
import io.sentry.EnvelopeReader;
import io.sentry.JsonSerializer;
import io.sentry.SentryEnvelope;
import io.sentry.SentryEnvelopeItem;
import io.sentry.SentryEvent;
import io.sentry.SentryItemType;
import io.sentry.SentryLevel;
import io.sentry.protocol.DebugImage;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.SentryStackFrame;
import io.sentry.protocol.SentryThread;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles sent to a Sentry DSN on a real loopback server, and the envelope it received read back with the Sentry
 * Java SDK's own EnvelopeReader and event deserializer: the format is checked by Sentry's code, not by ours.
 */
class SentryEnvelopeTest {
    @TempDir
    Path folder;

    /** Sentry's own deserializers, and what they complain about at warning level or above. */
    private final SentryReader reader = new SentryReader();

    @Test
    void uploadToSentryDsnGivesAnEnvelopeSentryCanRead() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.THREADS, 1, "-XX:ErrorFile=" + folder + "/hs_err_%p.log");
        Path hsErr = Files.writeString(folder.resolve("hs_err_" + ShipBundles.GONE_PID + ".log"),
                "#  SIGSEGV (0xb) at pc=0x00007f0000001000, pid=" + ShipBundles.GONE_PID + ", tid=4243\n");
        Files.setLastModifiedTime(hsErr, FileTime.fromMillis(1795517364001L));

        LoopbackCollector.Request request;
        try (LoopbackCollector collector = new LoopbackCollector(LoopbackCollector.Mode.OK)) {
            String dsn = collector.url("/42").replace("http://", "http://pubkey@");
            StringWriter out = new StringWriter();
            int exit = Main.run(new String[] {"upload", folder.toString(), "--sentry-dsn", dsn},
                    new PrintWriter(out), new PrintWriter(new StringWriter()));
            assertEquals(0, exit, out.toString());
            assertEquals(1, collector.requests().size());
            request = collector.requests().get(0);
        }
        assertEquals("/api/42/envelope/", request.path());
        assertEquals("application/x-sentry-envelope", request.header("Content-Type"));
        assertEquals("Sentry sentry_version=7, sentry_client=crashcap/0.1, sentry_key=pubkey",
                request.header("X-Sentry-Auth"));

        JsonSerializer serializer = reader.serializer;
        SentryEnvelope envelope = new EnvelopeReader(serializer).read(new ByteArrayInputStream(request.body()));
        assertNotNull(envelope, "Sentry's EnvelopeReader reads it");
        Map<String, SentryEnvelopeItem> items = new HashMap<>();
        for (SentryEnvelopeItem item : envelope.getItems()) {
            String key = item.getHeader().getType() == SentryItemType.Event ? "event" : item.getHeader().getFileName();
            items.put(key, item);
        }
        assertEquals(HsErrRedaction.NOTE + "\n" + Files.readString(hsErr),
                new String(items.get("hs_err.log").getData(), StandardCharsets.UTF_8), "the redacted copy");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(bundle.resolve("bundle.zip")),
                items.get("bundle.zip").getData()), "the packed bundle is attached as it is");
        assertEquals("application/zip", items.get("bundle.zip").getHeader().getContentType());

        SentryEvent event = reader.event(items.get("event").getData());
        assertEquals(SentryTransport.eventId(BundleFinisher.id(bundle)), event.getEventId().toString());
        assertEquals(envelope.getHeader().getEventId(), event.getEventId());
        assertEquals(SentryLevel.FATAL, event.getLevel());
        assertEquals("native", event.getPlatform());
        assertEquals(1795517364001L, event.getTimestamp().getTime());

        SentryException exception = event.getExceptions().get(0);
        assertEquals("SIGSEGV", exception.getType());
        assertEquals("Segfault", exception.getValue(), "sentry-native's words, no address: one bug, one group");
        assertEquals("signalhandler", exception.getMechanism().getType());
        assertEquals(Map.of("relevant_address", "0x0"), exception.getMechanism().getData(), "the fault address");
        assertFalse(exception.getMechanism().isHandled());
        List<SentryStackFrame> frames = exception.getStacktrace().getFrames();
        SentryStackFrame top = frames.get(frames.size() - 1); // Sentry lists the crashing frame last
        assertEquals("crashcaptest_write_null", top.getFunction());
        assertEquals("0x7f3a2c1011a9", top.getInstructionAddr());
        assertEquals("/tmp/libcrashcaptest.so", top.getPackage());
        assertNull(top.getImageAddr(), "Sentry finds the image in debug_meta; sentry-native sends no image_addr");
        assertEquals("crashcaptest_level3", frames.get(frames.size() - 2).getFunction());
        assertEquals("0x7f3a2c1011c1", frames.get(frames.size() - 2).getInstructionAddr(),
                "a return address (0x7f3a2c1011c2) is given as its call, for instruction_addr_adjustment none");
        assertTrue(new String(items.get("event").getData(), StandardCharsets.UTF_8)
                .contains("\"instruction_addr_adjustment\": \"none\""));
        assertNotNull(exception.getStacktrace().getRegisters().get("rip"));

        SentryThread crashed = event.getThreads().stream().filter(t -> Boolean.TRUE.equals(t.isCrashed()))
                .findFirst().orElseThrow();
        assertEquals(exception.getThreadId(), crashed.getId());
        assertEquals("crash-worker", crashed.getName());
        assertTrue(crashed.isCurrent());
        assertNull(crashed.getStacktrace(), "the crashed thread's stack is the exception's, sent once");
        assertEquals("x86_64", event.getContexts().getDevice().getUnknown().get("arch"));
        SentryThread main = event.getThreads().stream().filter(t -> "main".equals(t.getName())).findFirst().orElseThrow();
        List<SentryStackFrame> mainFrames = main.getStacktrace().getFrames();
        assertEquals("dev.crashcap.testapp.ThreadsApp", mainFrames.get(0).getModule(), "outermost first");
        assertEquals("main", mainFrames.get(0).getFunction());
        assertEquals(61, mainFrames.get(0).getLineno());
        assertEquals("java", mainFrames.get(0).getPlatform());

        DebugImage image = event.getDebugMeta().getImages().get(0);
        assertEquals("elf", image.getType());
        assertEquals("/tmp/libcrashcaptest.so", image.getCodeFile());
        assertEquals("3f1c9a0b7e6d5c4b3a2918f7e6d5c4b3a2918f7e", image.getCodeId());
        assertEquals("0b9a1c3f-6d7e-4b5c-3a29-18f7e6d5c4b3", image.getDebugId());
        assertEquals("0x7f3a2c100000", image.getImageAddr());
        assertEquals(0x4028L, image.getImageSize());
    }

    @Test
    void nativeFramesCarryTheSourceFileAndLineFromDebugInfo() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.THREADS, 1);
        BuiltLibrary.pointAt(bundle);
        byte[] json = dev.crashcap.ship.SentryEvent.of(
                dev.crashcap.symbols.Symbolizer.apply(dev.crashcap.bundle.BundleLocator.load(bundle)), "0123456789abcdef0123456789abcdef", "0.1");

        SentryEvent event = reader.event(json);
        List<SentryStackFrame> frames = event.getExceptions().get(0).getStacktrace().getFrames();
        SentryStackFrame top = frames.get(frames.size() - 1);
        assertEquals("crashcaptest_write_null", top.getFunction());
        assertEquals(BuiltLibrary.SOURCE.toString(), top.getFilename());
        assertEquals(BuiltLibrary.faultingLine(), top.getLineno());
    }

    @Test
    void headerFactsGiveReleaseEnvironmentServerNameAndTheOsAndDeviceContexts() throws Exception {
        SentryEvent event = event(edited(Samples.THREADS, "os.arch\tamd64\n", "os.arch\tamd64\n"
                + "os.version\t6.1.0-18-amd64\nos.distribution.name\tDebian GNU/Linux\nos.distribution.version\t12\n"
                + "host.name\tbuild-7\napp.release\tshop@1.4.2\napp.environment\tstaging\n"));
        assertEquals("shop@1.4.2", event.getRelease());
        assertEquals("staging", event.getEnvironment());
        assertEquals("build-7", event.getServerName());
        assertEquals("Debian GNU/Linux", event.getContexts().getOperatingSystem().getName());
        assertEquals("12", event.getContexts().getOperatingSystem().getVersion());
        assertEquals("6.1.0-18-amd64", event.getContexts().getOperatingSystem().getKernelVersion());
        assertEquals("x86_64", event.getContexts().getDevice().getUnknown().get("arch"));

        SentryEvent bare = event(edited(Samples.THREADS, "os.arch\tamd64\n",
                "os.arch\tamd64\nos.version\t6.1.0-18-amd64\n"));
        assertNull(bare.getRelease());
        assertNull(bare.getEnvironment());
        assertEquals("Linux", bare.getContexts().getOperatingSystem().getName(), "no os-release: the kernel's name");
        assertEquals("6.1.0-18-amd64", bare.getContexts().getOperatingSystem().getVersion());
        assertEquals("6.1.0-18-amd64", bare.getContexts().getOperatingSystem().getKernelVersion());
    }

    @Test
    void inAppIsTrueForTheApplicationsJniLibraryAndNamedPackagesFalseForLibcLibjvmAndTheJdk() throws Exception {
        String library = "section\tlibraries\nlibrary\t/tmp/libcrashcaptest.so\tdev.crashcap.testapp.Crasher\t"
                + "file:/work/app/classes/\nsection\tend\n";
        Path bundle = edited(Samples.THREADS, "section\tend\n", library);
        Files.writeString(bundle.resolve(dev.crashcap.bundle.BundleLocator.CAPTURE_FILE), Files.readString(
                bundle.resolve(dev.crashcap.bundle.BundleLocator.CAPTURE_FILE)).replace("os.arch\tamd64\n",
                "os.arch\tamd64\napp.inApp\tcom.example,dev.crashcap.testapp\n"));
        SentryEvent event = event(bundle);

        List<SentryStackFrame> sleeper = thread(event, "native-sleeper").getStacktrace().getFrames();
        assertEquals(Boolean.FALSE, frame(sleeper, "clock_nanosleep").isInApp(), "libc");
        assertEquals(Boolean.TRUE, frame(sleeper, "crashcaptest_sleep_inner").isInApp(), "loaded by the app");
        assertEquals(Boolean.TRUE, frame(sleeper, "sleepInNativeHere").isInApp(), "a named package");
        assertEquals(Boolean.FALSE, frame(sleeper, "run").isInApp(), "java.lang.Thread");
        List<SentryStackFrame> main = thread(event, "main").getStacktrace().getFrames();
        assertEquals(Boolean.FALSE, frame(main, "ObjectMonitor::wait(long, bool, JavaThread*)").isInApp(), "libjvm");
        assertEquals(Boolean.FALSE, frame(main, "wait").isInApp(), "java.lang.Object");
        List<SentryStackFrame> crash = event.getExceptions().get(0).getStacktrace().getFrames();
        assertEquals(Boolean.TRUE, frame(crash, "crashcaptest_write_null").isInApp());
        assertEquals(Boolean.TRUE, frame(crash, "crashHere").isInApp());
        assertEquals("dev.crashcap.testapp.ThreadsApp", frame(crash, "crashHere").getModule());

        SentryEvent unnamed = event(edited(Samples.THREADS, "section\tend\n", library));
        List<SentryStackFrame> frames = thread(unnamed, "native-sleeper").getStacktrace().getFrames();
        assertEquals(Boolean.TRUE, frame(frames, "crashcaptest_sleep_inner").isInApp(), "an app class loaded it");
        assertNull(frame(frames, "sleepInNativeHere").isInApp(), "no package named: Sentry's rules decide");
    }

    @Test
    void anImageWithoutBuildIdGetsSentryNativesDebugIdFromItsText() throws Exception {
        Path source = Files.writeString(folder.resolve("nobuildid.c"), "int nobuildid_answer(int x) { return x * 42; }\n"
                + "int nobuildid_other(int x) { return x + 7; }\n");
        Path library = folder.resolve("libnobuildid.so");
        BuiltLibrary.tool("cc", "-shared", "-fPIC", "-O1", "-Wl,--build-id=none", "-o", library.toString(),
                source.toString());
        assertFalse(BuiltLibrary.tool("readelf", "-n", library.toString()).contains("Build ID"), "no build-id");
        Path text = folder.resolve("text.bin");
        BuiltLibrary.tool("objcopy", "-O", "binary", "--only-section=.text", library.toString(), text.toString());
        byte[] bytes = Files.readAllBytes(text);
        byte[] folded = new byte[16];
        for (int i = 0; i < Math.min(bytes.length, 4096); i++) {
            folded[i % 16] ^= bytes[i];
        }
        String hex = java.util.HexFormat.of().formatHex(folded);
        // the little-endian GUID: the first three fields byte-swapped
        String expected = hex.substring(6, 8) + hex.substring(4, 6) + hex.substring(2, 4) + hex.substring(0, 2) + "-"
                + hex.substring(10, 12) + hex.substring(8, 10) + "-" + hex.substring(14, 16) + hex.substring(12, 14)
                + "-" + hex.substring(16, 20) + "-" + hex.substring(20);

        SentryEvent event = event(edited(Samples.THREADS, "section\tend\n", "module\t0x7f3a2c800000\t0x4000\t\t"
                + library + "\nmodule\t0x7f3a2c900000\t0x4000\t\t" + library + " (deleted)\nsection\tend\n"));
        List<DebugImage> images = event.getDebugMeta().getImages();
        DebugImage image = images.stream().filter(i -> "0x7f3a2c800000".equals(i.getImageAddr())).findFirst()
                .orElseThrow();
        assertEquals(expected, image.getDebugId());
        assertNull(image.getCodeId(), "no build-id, no code_id (as sentry-native)");
        DebugImage old = images.stream().filter(i -> "0x7f3a2c900000".equals(i.getImageAddr())).findFirst()
                .orElseThrow();
        assertEquals(library.toString(), old.getCodeFile(), "an older agent's \" (deleted)\" is no part of the path");
    }

    @Test
    void aCarrierThreadNamesTheVirtualThreadItRan() throws Exception {
        SentryEvent event = event(edited(Samples.THREADS, "name\tcrash-worker\n",
                "name\tForkJoinPool-1-worker-1\nvirtualThread.id\t25\nvirtualThread.name\tvt-crasher-1\n"));
        thread(event, "ForkJoinPool-1-worker-1, carrier of virtual thread \"vt-crasher-1\" (#25)");
    }

    /** A bundle from {@code sample} with {@code from} replaced by {@code to} in its capture. */
    private Path edited(String sample, String from, String to) throws Exception {
        Path bundle = ShipBundles.bundle(folder, sample, ++bundles);
        Path capture = bundle.resolve(dev.crashcap.bundle.BundleLocator.CAPTURE_FILE);
        String text = Files.readString(capture);
        assertTrue(text.contains(from), from);
        Files.writeString(capture, text.replace(from, to));
        return bundle;
    }

    private int bundles;

    private SentryEvent event(Path bundle) throws Exception {
        return new SentryReader().event(dev.crashcap.ship.SentryEvent.of(
                dev.crashcap.bundle.BundleLocator.load(bundle), "0123456789abcdef0123456789abcdef", "0.1"));
    }

    private static SentryThread thread(SentryEvent event, String name) {
        return event.getThreads().stream().filter(t -> name.equals(t.getName())).findFirst().orElseThrow();
    }

    private static SentryStackFrame frame(List<SentryStackFrame> frames, String function) {
        return frames.stream().filter(f -> function.equals(f.getFunction())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + function));
    }
}
