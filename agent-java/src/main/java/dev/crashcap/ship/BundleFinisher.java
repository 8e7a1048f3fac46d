package dev.crashcap.ship;

import dev.crashcap.bundle.AgentVersion;
import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.bundle.HsErrLocator;
import dev.crashcap.collector.BundleFiles;
import dev.crashcap.collector.BundleLock;
import dev.crashcap.collector.Finisher;
import dev.crashcap.collector.Packer;
import dev.crashcap.collector.SafeFiles;
import dev.crashcap.collector.SentryTransport;
import dev.crashcap.collector.Shipment;
import dev.crashcap.minidump.MinidumpWriter;
import dev.crashcap.report.Diagnosis;
import dev.crashcap.report.Signature;
import dev.crashcap.secrets.HsErrRedaction;
import dev.crashcap.secrets.Redaction;
import dev.crashcap.symbols.ModuleFiles;
import dev.crashcap.symbols.Symbolizer;
import dev.crashcap.symbols.SymbolsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finishes a raw bundle with what the dying process could not do: redacts what the signal handler wrote raw (an
 * abort message) in the capture, copies the hs_err file HotSpot wrote into the bundle as {@code hs_err.log} with its
 * secrets redacted ({@link HsErrRedaction}; HotSpot's own file is left as it is), keeps the native frames' names and source lines in {@code symbols.txt}, writes
 * {@code manifest.json}, packs it into {@code bundle.zip}. The manifest is the mark of a finished bundle: once it
 * exists nothing is added or rewritten, so finishing twice changes nothing (a crash between the manifest and the
 * zip only leaves the zip to do).
 */
public final class BundleFinisher implements Finisher {
    // far above any hs_err file (a few MiB with thousands of threads); a larger one is not copied
    private static final long MAX_HS_ERR_BYTES = 64L * 1024 * 1024;
    // as BundleLocator: no capture is larger
    private static final long MAX_CAPTURE_BYTES = 512L * 1024 * 1024;

    /** The bundle as a minidump, written by finishing when the agent option {@code sentry-minidump} is true. */
    public static final String MINIDUMP_FILE = "minidump.dmp";

    private final boolean sentryEvent;
    private final boolean minidump;
    /** The module files read for the bundles of this pass: a backlog names the same ones again and again. */
    private final ModuleFiles moduleFiles = new ModuleFiles();

    /** @param sentryEvent whether shipments carry a Sentry event (only the Sentry target needs one) */
    public BundleFinisher(boolean sentryEvent) {
        this(sentryEvent, false);
    }

    /**
     * @param sentryEvent whether shipments carry a Sentry event (only the Sentry target needs one)
     * @param minidump whether finishing writes {@value #MINIDUMP_FILE} (then packed in the zip, and sent to Sentry as
     *                 the event's minidump)
     */
    public BundleFinisher(boolean sentryEvent, boolean minidump) {
        this.sentryEvent = sentryEvent;
        this.minidump = minidump;
    }

    @Override
    public Shipment finish(Path directory) throws BundleException, IOException {
        Bundle bundle = BundleLocator.load(directory);
        if (!Readiness.isSettled(bundle, directory)) {
            return null;
        }
        boolean finished = BundleFiles.isPlainFile(directory.resolve(Manifest.NAME));
        if (!finished) {
            redactCapture(directory); // before the id: the id is the hash of the capture as it travels
        }
        String id = id(directory);
        String signature = Signature.of(bundle);
        if (!finished) {
            String hsErrSource = attachHsErr(bundle, directory);
            List<Path> files = new ArrayList<>();
            files.add(directory.resolve(BundleLocator.CAPTURE_FILE));
            boolean hsErrCopied = BundleFiles.isPlainFile(directory.resolve(HsErrLocator.BUNDLED_FILE));
            if (hsErrCopied) {
                files.add(directory.resolve(HsErrLocator.BUNDLED_FILE));
            }
            if (keepSymbols(bundle, directory, moduleFiles)) {
                files.add(directory.resolve(SymbolsFile.NAME));
            }
            if (minidump && writeMinidump(bundle, directory)) {
                files.add(directory.resolve(MINIDUMP_FILE));
            }
            // The files above were fsynced, their renames not yet: one fsync of the folder makes them all durable
            // before the manifest can be, so a manifest that survives a power cut never names a file that did not.
            SafeFiles.syncDirectory(directory);
            // The manifest's own rename is not made durable: lost in a power cut, finishing runs again.
            SafeFiles.writeRemade(directory.resolve(Manifest.NAME),
                    Manifest.render(bundle, id, signature, hsErrSource, hsErrCopied, files, AgentVersion.get()));
        }
        Path packed = Packer.pack(directory);
        Path hsErr = directory.resolve(HsErrLocator.BUNDLED_FILE);
        byte[] event = sentryEvent
                ? SentryEvent.of(Symbolizer.apply(bundle, moduleFiles), SentryTransport.eventId(id), AgentVersion.get()) : null;
        Path minidumpFile = directory.resolve(MINIDUMP_FILE);
        return new Shipment(id, signature, packed, metadata(bundle), event,
                BundleFiles.isPlainFile(hsErr) ? List.of(hsErr) : List.of(),
                minidump && BundleFiles.isPlainFile(minidumpFile) ? minidumpFile : null);
    }

    /** Drops the module files read for this pass's bundles: the agent's uploader runs in the application's JVM. */
    @Override
    public void endPass() {
        moduleFiles.clear();
    }

    /** What {@link #finishNow} did with one bundle: {@code finished}, {@code busy}, {@code not yet} or {@code failed}. */
    public record Outcome(String label, boolean finished, String detail) {
    }

    /** Finishes one bundle for {@code crashcap finish}, saying what became of it; never throws. */
    public static Outcome finishNow(Path directory) {
        return finishNow(directory, false);
    }

    /** As {@link #finishNow(Path)}, writing {@value #MINIDUMP_FILE} too when {@code minidump}. */
    public static Outcome finishNow(Path directory, boolean minidump) {
        return new BundleFinisher(false, minidump).finishLocked(directory);
    }

    /**
     * As {@link #finishNow(Path)}, with this finisher: for a folder of bundles, one finisher reads each module file
     * once ({@link #endPass} when done).
     */
    public Outcome finishLocked(Path directory) {
        try (BundleLock lock = BundleLock.tryAcquire(directory)) {
            if (lock == null) {
                return new Outcome("busy", false, "an uploader is finishing it now");
            }
            return finish(directory) == null
                    ? new Outcome("not yet", false, "its process is still running: hs_err may be on its way")
                    : new Outcome("finished", true, null);
        } catch (BundleException e) {
            return new Outcome("failed", false, e.reason());
        } catch (IOException | RuntimeException e) {
            return new Outcome("failed", false, String.valueOf(e.getMessage()));
        }
    }

    /** Finishes without complaint, for the agent's background shipping: it is tried again on the next pass. */
    public static void quietly(Path directory) {
        quietly(directory, false);
    }

    /** As {@link #quietly(Path)}, writing {@value #MINIDUMP_FILE} too when {@code minidump}. */
    public static void quietly(Path directory, boolean minidump) {
        new BundleFinisher(false, minidump).finishQuietly(directory);
    }

    /** As {@link #quietly(Path)}, with this finisher (see {@link #finishLocked}). */
    public void finishQuietly(Path directory) {
        if (BundleFiles.refusal(directory) != null || !Files.isWritable(directory)) {
            return;
        }
        try (BundleLock lock = BundleLock.tryAcquire(directory)) {
            if (lock != null) { // else an uploader is at it right now
                finish(directory);
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
    private static boolean keepSymbols(Bundle bundle, Path directory, ModuleFiles moduleFiles) throws IOException {
        Path target = directory.resolve(SymbolsFile.NAME);
        if (BundleFiles.isPlainFile(target)) {
            return true;
        }
        List<SymbolsFile.Entry> entries = Symbolizer.fromModuleFiles(bundle, moduleFiles);
        if (entries.isEmpty()) {
            return false;
        }
        SafeFiles.writeRemade(target, SymbolsFile.render(entries));
        return true;
    }

    /**
     * Writes the bundle as a minidump (dev.crashcap.minidump) before the manifest; false when none can be made (a
     * bundle of another processor): the bundle is finished and shipped without it. One kept from an earlier attempt
     * stays as it is.
     */
    private static boolean writeMinidump(Bundle bundle, Path directory) throws IOException {
        Path target = directory.resolve(MINIDUMP_FILE);
        if (BundleFiles.isPlainFile(target)) {
            return true;
        }
        try {
            SafeFiles.writeRemade(target, MinidumpWriter.of(bundle));
            return true;
        } catch (BundleException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Copies the hs_err file into the bundle, redacted; returns where it came from, or null if there is none. A copy
     * already in the bundle (a finishing cut off before the manifest, or put there by hand) is redacted in place
     * unless it already is.
     */
    private static String attachHsErr(Bundle bundle, Path directory) throws IOException {
        String found = HsErrLocator.find(bundle);
        if (found == null) {
            return null;
        }
        Path target = directory.resolve(HsErrLocator.BUNDLED_FILE);
        String text = new String(BundleFiles.read(Path.of(found), MAX_HS_ERR_BYTES), StandardCharsets.ISO_8859_1);
        if (Path.of(found).equals(target.toAbsolutePath()) && text.startsWith(HsErrRedaction.NOTE)) {
            return found;
        }
        // ISO-8859-1 both ways keeps every byte; the rules only look at ASCII
        SafeFiles.writeRemade(target, HsErrRedaction.redact(text).getBytes(StandardCharsets.ISO_8859_1));
        return found;
    }

    /**
     * Redacts, in the capture itself, the secrets the signal handler could not (it writes an abort message as glibc
     * left it). The header was redacted when the agent armed; the value rules are applied to the whole file, and it
     * is rewritten only if they change something, keeping its time (Readiness and the spool's order use it).
     */
    private static void redactCapture(Path directory) throws IOException {
        Path capture = directory.resolve(BundleLocator.CAPTURE_FILE);
        String text = new String(BundleFiles.read(capture, MAX_CAPTURE_BYTES), StandardCharsets.ISO_8859_1);
        String redacted = Redaction.text(text);
        if (!redacted.equals(text)) {
            FileTime written = Files.getLastModifiedTime(capture, LinkOption.NOFOLLOW_LINKS);
            // fully durable (content and rename): the capture is the bundle itself, not something made again
            SafeFiles.write(capture, redacted.getBytes(StandardCharsets.ISO_8859_1));
            Files.setLastModifiedTime(capture, written);
        }
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
