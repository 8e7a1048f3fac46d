package dev.crashcap.ship;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.collector.BundleFiles;
import dev.crashcap.report.BundleJson;
import dev.crashcap.report.Diagnosis;
import dev.crashcap.report.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: what a finished bundle holds (each file with its size and SHA-256), which versions made
 * it, its id and its signature. Documented in docs/ship.md.
 */
public final class Manifest {
    public static final String NAME = "manifest.json";
    public static final int SCHEMA = 1;

    private Manifest() {
    }

    static byte[] render(Bundle bundle, String id, String signature, String hsErrSource, boolean hsErrRedacted,
            List<Path> files, String finisherVersion) throws IOException {
        Diagnosis diagnosis = Diagnosis.of(bundle);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA);
        json.put("id", id);
        json.put("kind", bundle.kind());
        json.put("signature", signature);
        json.put("time", BundleJson.time(bundle.crash().timeEpochMillis()));
        json.put("pid", bundle.pid());
        json.put("signal", bundle.crash().signalName());
        json.put("diagnosis", diagnosis.kind().jsonName());
        json.put("suspectModule", diagnosis.suspectModule());
        json.put("truncated", bundle.truncated());
        json.put("javaVersion", bundle.header().javaVersion());
        json.put("jvmVersion", bundle.header().jvmVersion());
        json.put("capturedBy", bundle.header().agentVersion());
        json.put("finishedBy", finisherVersion);
        json.put("hsErrSource", hsErrSource);
        // the copy is redacted (HsErrRedaction), HotSpot's file at hsErrSource is not
        json.put("hsErrRedacted", hsErrRedacted);
        json.put("files", describe(files));
        return (Json.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static List<Object> describe(List<Path> files) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Path file : files) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", file.getFileName().toString());
            entry.put("bytes", Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size());
            entry.put("sha256", sha256(file));
            list.add(entry);
        }
        return list;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(BundleFiles.open(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

}
