package dev.crashcap.ship;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Samples;
import dev.crashcap.cli.Main;
import dev.crashcap.collector.Shipment;
import dev.crashcap.secrets.HsErrRedaction;
import dev.crashcap.symbols.BuiltLibrary;
import dev.crashcap.symbols.DebugId;
import dev.crashcap.symbols.Symbolizer;
import dev.crashcap.symbols.SymbolsFile;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleFinisherTest {
    private static final String HS_ERR = "#  SIGSEGV (0xb) at pc=0x00007f0000001000, pid=" + ShipBundles.GONE_PID
            + ", tid=4243\n";
    @TempDir
    Path folder;

    private Path bundleWithHsErr() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1, "-XX:ErrorFile=" + folder + "/hs_err_%p.log");
        Path hsErr = Files.writeString(folder.resolve("hs_err_" + ShipBundles.GONE_PID + ".log"), HS_ERR);
        Files.setLastModifiedTime(hsErr, FileTime.fromMillis(1795517364001L));
        return bundle;
    }

    @Test
    void attachesHsErrWritesManifestAndPacks() throws Exception {
        Path bundle = bundleWithHsErr();
        Shipment shipment = new BundleFinisher(false).finish(bundle);

        assertEquals(HsErrRedaction.NOTE + "\n" + HS_ERR, Files.readString(bundle.resolve("hs_err.log")));
        String manifest = Files.readString(bundle.resolve("manifest.json"));
        assertTrue(manifest.contains("\"id\": \"" + shipment.id() + "\""), manifest);
        assertTrue(manifest.contains("\"signature\": \"fault|SIGSEGV|crashcaptest_write_null|"), manifest);
        assertTrue(manifest.contains("\"hsErrSource\": \"" + folder.resolve("hs_err_9000000.log") + "\""), manifest);
        assertTrue(manifest.contains("\"name\": \"hs_err.log\""), manifest);
        assertTrue(manifest.contains("\"sha256\": \"" + Manifest.sha256(bundle.resolve("capture.txt")) + "\""));
        assertEquals(List.of("capture.txt", "hs_err.log", "manifest.json"), zipNames(shipment.packed()));
        for (String name : List.of("hs_err.log", "manifest.json", "bundle.zip")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle.resolve(name))));
        }
        assertEquals(List.of(bundle.resolve("hs_err.log")), shipment.attachments());
        assertEquals("SIGSEGV", shipment.metadata().get("Signal"));
        assertNull(shipment.sentryEvent(), "only the Sentry target needs an event");
    }

    @Test
    void oneFinisherForABacklogGivesEachBundleTheSymbolsAFreshOneWould() throws Exception {
        List<Path> bundles = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            Path bundle = ShipBundles.bundle(folder, Samples.SEGV, n);
            BuiltLibrary.pointAt(bundle);
            bundles.add(bundle);
        }
        BundleFinisher backlog = new BundleFinisher(false); // keeps the module files it read until endPass
        backlog.finish(bundles.get(0));
        backlog.finish(bundles.get(1));
        backlog.endPass();
        new BundleFinisher(false).finish(bundles.get(2));

        String expected = Files.readString(bundles.get(2).resolve(SymbolsFile.NAME));
        assertTrue(expected.contains("crashcaptest_write_null"), expected);
        assertEquals(expected, Files.readString(bundles.get(0).resolve(SymbolsFile.NAME)));
        assertEquals(expected, Files.readString(bundles.get(1).resolve(SymbolsFile.NAME)));
    }

    @Test
    void keepsNamesAndLinesInSymbolsTxtForAMachineWithoutTheModuleFiles() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        BuiltLibrary.pointAt(bundle);
        new BundleFinisher(false).finish(bundle);

        Path symbols = bundle.resolve(SymbolsFile.NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(symbols)));
        String expected = BuiltLibrary.buildId() + "\t0x"
                + Long.toHexString(BuiltLibrary.address("crashcaptest_write_null"))
                + "\tcrashcaptest_write_null\t0x0\t" + BuiltLibrary.SOURCE + "\t" + BuiltLibrary.faultingLine() + "\t1";
        String text = Files.readString(symbols);
        assertTrue(text.lines().anyMatch(line -> line.equals(expected)), text);
        assertTrue(Files.readString(bundle.resolve("manifest.json")).contains("\"name\": \"symbols.txt\""));
        byte[] written = Files.readAllBytes(symbols);
        new BundleFinisher(false).finish(bundle);
        assertArrayEquals(written, Files.readAllBytes(symbols), "written once");

        // Elsewhere: the capture names a module file that is not there; symbols.txt still gives the line.
        Path moved = Files.createDirectories(folder.resolve("moved"));
        Files.copy(symbols, moved.resolve(SymbolsFile.NAME));
        Files.writeString(moved.resolve("capture.txt"), Files.readString(bundle.resolve("capture.txt"))
                .replace(BuiltLibrary.LIBRARY.toString(), "/gone/libcrashcaptest.so"));
        dev.crashcap.bundle.NativeFrame top = Symbolizer.apply(dev.crashcap.bundle.BundleLocator.load(moved))
                .crashingThread().topNativeFrame();
        assertEquals("/gone/libcrashcaptest.so", top.modulePath());
        assertEquals(BuiltLibrary.SOURCE.toString(), top.file());
        assertEquals(BuiltLibrary.faultingLine(), top.line());
    }

    @Test
    void finishingTwiceChangesNothing() throws Exception {
        Path bundle = bundleWithHsErr();
        new BundleFinisher(false).finish(bundle);
        byte[] manifest = Files.readAllBytes(bundle.resolve("manifest.json"));
        byte[] zip = Files.readAllBytes(bundle.resolve("bundle.zip"));
        FileTime zipTime = Files.getLastModifiedTime(bundle.resolve("bundle.zip"));
        Files.writeString(folder.resolve("hs_err_9000000.log"), "# changed later\n");

        Shipment again = new BundleFinisher(true).finish(bundle);
        assertArrayEquals(manifest, Files.readAllBytes(bundle.resolve("manifest.json")));
        assertArrayEquals(zip, Files.readAllBytes(bundle.resolve("bundle.zip")));
        assertEquals(zipTime, Files.getLastModifiedTime(bundle.resolve("bundle.zip")));
        assertEquals(HsErrRedaction.NOTE + "\n" + HS_ERR, Files.readString(bundle.resolve("hs_err.log")));
        assertNotNull(again.sentryEvent());
    }

    @Test
    void aBundleWhoseProcessIsAliveWaitsUntilItSettles() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        Path capture = bundle.resolve("capture.txt");
        Files.writeString(capture, Files.readString(capture).replace("process.pid\t" + ShipBundles.GONE_PID,
                "process.pid\t" + ProcessHandle.current().pid()).replaceAll("time\\.epochMillis\t\\d+",
                "time.epochMillis\t" + System.currentTimeMillis())); // it crashed now, and this JVM is its process
        assertNull(new BundleFinisher(false).finish(bundle), "hs_err may still be on its way");
        assertTrue(Files.notExists(bundle.resolve("manifest.json")));

        Files.setLastModifiedTime(capture, FileTime.fromMillis(System.currentTimeMillis() - 61_000));
        assertNotNull(new BundleFinisher(false).finish(bundle), "a capture untouched for a minute is done");
    }

    /**
     * The pid of a bundle's process is in use again, by a process that started after the crash: on a busy host that
     * takes seconds (ReadingIT's finish saw "not yet" under load), and the bundle is ready at once, not after a minute.
     */
    @Test
    void aBundleWhosePidWasReusedIsReadyAtOnce() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        Path capture = bundle.resolve("capture.txt");
        long beforeThisJvm = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli() - 60_000;
        Files.writeString(capture, Files.readString(capture).replace("process.pid\t" + ShipBundles.GONE_PID,
                "process.pid\t" + ProcessHandle.current().pid()).replaceAll("time\\.epochMillis\t\\d+",
                "time.epochMillis\t" + beforeThisJvm)); // this JVM has its pid now, and started after that crash
        assertNotNull(new BundleFinisher(false).finish(bundle), "another process has the pid now");
        assertTrue(Files.isRegularFile(bundle.resolve("manifest.json")));
    }

    @Test
    void inspectOnlyReadsAndFinishFinishes() throws Exception {
        Path bundle = bundleWithHsErr();
        StringWriter out = new StringWriter();
        assertEquals(0, Main.run(new String[] {"inspect", bundle.toString()}, new PrintWriter(out),
                new PrintWriter(new StringWriter())));
        assertEquals(List.of("capture.txt"), fileNames(bundle), "inspect wrote into the bundle");
        assertTrue(out.toString().contains(folder.resolve("hs_err_" + ShipBundles.GONE_PID + ".log").toString()),
                "the hs_err file is found where HotSpot wrote it: " + out);

        StringWriter finished = new StringWriter();
        assertEquals(0, Main.run(new String[] {"finish", bundle.toString()}, new PrintWriter(finished),
                new PrintWriter(new StringWriter())));
        assertEquals("finished  " + bundle, finished.toString().strip());
        assertTrue(Files.isRegularFile(bundle.resolve("manifest.json")));
        assertTrue(Files.isRegularFile(bundle.resolve("bundle.zip")));
        assertEquals(HsErrRedaction.NOTE + "\n" + HS_ERR, Files.readString(bundle.resolve("hs_err.log")));
    }

    private static List<String> fileNames(Path directory) throws Exception {
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void debugIdIsTheBuildIdAsALittleEndianGuid() {
        assertEquals("0b9a1c3f-6d7e-4b5c-3a29-18f7e6d5c4b3", DebugId.debugId("3f1c9a0b7e6d5c4b3a2918f7e6d5c4b3a2918f7e"));
        assertEquals("78563412-0000-0000-0000-000000000000", DebugId.debugId("12345678"), "short ids are padded");
        assertNull(DebugId.debugId("xyz"));
    }

    private static List<String> zipNames(Path zip) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        return names;
    }
}
