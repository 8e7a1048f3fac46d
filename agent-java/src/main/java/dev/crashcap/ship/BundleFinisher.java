package dev.crashcap.ship;

import dev.crashcap.bundle.AgentVersion;
import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.bundle.HsErrLocator;
import dev.crashcap.collector.BundleLock;
import dev.crashcap.collector.Finisher;
import dev.crashcap.collector.Packer;
import dev.crashcap.collector.SafeFiles;
import dev.crashcap.collector.SentryTransport;
import dev.crashcap.collector.Shipment;
import dev.crashcap.report.Diagnosis;
import dev.crashcap.symbols.Symbolizer;
import dev.crashcap.symbols.SymbolsFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finishes a raw bundle with what the dying process could not do: copies the hs_err file HotSpot wrote into the
 * bundle as {@code hs_err.log}, keeps the native frames' names and source lines in {@code symbols.txt}, writes
 * {@code manifest.json}, packs it into {@code bundle.zip}. The manifest is the mark of a finished bundle: once it
 * exists nothing is added or rewritten, so finishing twice changes nothing (a crash between the manifest and the
 * zip only leaves the zip to do).
 */
public final class BundleFinisher implements Finisher {
    private final boolean sentryEvent;

    /** @param sentryEvent whether shipments carry a Sentry event (only the Sentry target needs one) */
    public BundleFinisher(boolean sentryEvent) {
        this.sentryEvent = sentryEvent;
    }

    @Override
    public Shipment finish(Path directory) throws BundleException, IOException {
        Bundle bundle = BundleLocator.load(directory);
        if (!Readiness.isSettled(bundle, directory)) {
            return null;
        }
        String id = id(directory);
        String signature = Signature.of(bundle);
        if (!Files.isRegularFile(directory.resolve(Manifest.NAME))) {
            String hsErrSource = attachHsErr(bundle, directory);
            List<Path> files = new ArrayList<>();
            files.add(directory.resolve(BundleLocator.CAPTURE_FILE));
            if (Files.isRegularFile(directory.resolve(HsErrLocator.BUNDLED_FILE))) {
                files.add(directory.resolve(HsErrLocator.BUNDLED_FILE));
            }
            if (keepSymbols(bundle, directory)) {
                files.add(directory.resolve(SymbolsFile.NAME));
            }
            SafeFiles.write(directory.resolve(Manifest.NAME),
                    Manifest.render(bundle, id, signature, hsErrSource, files, AgentVersion.get()));
        }
        Path packed = Packer.pack(directory);
        Path hsErr = directory.resolve(HsErrLocator.BUNDLED_FILE);
        byte[] event = sentryEvent
                ? SentryEvent.of(Symbolizer.apply(bundle), SentryTransport.eventId(id), AgentVersion.get()) : null;
        return new Shipment(id, signature, packed, metadata(bundle), event,
                Files.isRegularFile(hsErr) ? List.of(hsErr) : List.of());
    }

    /** Finishes without complaint, for {@code crashcap inspect}: a read-only bundle is still shown. */
    public static void quietly(Path directory) {
        if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
            return;
        }
        try (BundleLock lock = BundleLock.tryAcquire(directory)) {
            if (lock != null) { // else an uploader is at it right now
                new BundleFinisher(false).finish(directory);
            }
        } catch (BundleException | IOException | RuntimeException e) {
            // inspect shows what is there; finishing is tried again by the uploader
        }
    }

    /**
     * The bundle's id: the SHA-256 of its capture, in 32 hex digits. The capture holds the pid, the times and the
     * addresses of one process, so ids do not collide across hosts, and every retry carries the same one.
     */
    static String id(Path directory) throws IOException {
        return Manifest.sha256(directory.resolve(BundleLocator.CAPTURE_FILE)).substring(0, 32);
    }

    /**
     * Writes symbols.txt with what the module files say about the native frames, while they are still here;
     * false if they said nothing. A symbols.txt from an earlier attempt is kept as it is.
     */
    private static boolean keepSymbols(Bundle bundle, Path directory) throws IOException {
        Path target = directory.resolve(SymbolsFile.NAME);
        if (Files.isRegularFile(target)) {
            return true;
        }
        List<SymbolsFile.Entry> entries = Symbolizer.fromModuleFiles(bundle);
        if (entries.isEmpty()) {
            return false;
        }
        SafeFiles.write(target, SymbolsFile.render(entries));
        return true;
    }

    /** Copies the hs_err file into the bundle; returns where it came from, or null if there is none. */
    private static String attachHsErr(Bundle bundle, Path directory) throws IOException {
        String found = HsErrLocator.find(bundle);
        if (found == null) {
            return null;
        }
        Path target = directory.resolve(HsErrLocator.BUNDLED_FILE);
        if (Path.of(found).equals(target.toAbsolutePath())) {
            return found;
        }
        Path temporary = SafeFiles.temporaryFor(target);
        try (FileChannel out = SafeFiles.openPrivate(temporary); FileChannel in = FileChannel.open(Path.of(found))) {
            long position = 0;
            long size = in.size();
            while (position < size) {
                position += in.transferTo(position, size - position, out);
            }
            out.force(true);
        }
        SafeFiles.publish(temporary, target);
        return found;
    }

    private static Map<String, String> metadata(Bundle bundle) {
        Diagnosis diagnosis = Diagnosis.of(bundle);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("Kind", "crash");
        putIfSet(metadata, "Time", dev.crashcap.report.BundleJson.time(bundle.crash().timeEpochMillis()));
        putIfSet(metadata, "Pid", bundle.pid());
        putIfSet(metadata, "Signal", bundle.crash().signalName());
        metadata.put("Diagnosis", diagnosis.kind().jsonName());
        putIfSet(metadata, "Suspect-Module", diagnosis.suspectModule());
        putIfSet(metadata, "Java-Version", bundle.header().javaVersion());
        metadata.put("Version", AgentVersion.get());
        return metadata;
    }

    private static void putIfSet(Map<String, String> metadata, String key, Object value) {
        if (value != null) {
            metadata.put(key, value.toString());
        }
    }
}
