package dev.crashcap.agent;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads libcrashcap.so from inside crashcap.jar. The library is copied to a fresh private folder
 * (0700, created with mkdir, which fails rather than follow a planted link), loaded, and deleted again
 * at once (Linux keeps a loaded file mapped). A temporary folder mounted noexec makes loading fail:
 * then the bundle folder is tried, which we own. No Files.createTempDirectory: its SecureRandom costs
 * start-up time.
 */
final class NativeLibrary {
    private static boolean loaded;

    private NativeLibrary() {}

    static synchronized void load(Path bundleFolder) throws AgentException {
        if (loaded) return;
        String resource = "/native/" + platform() + "/libcrashcap.so";
        Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        AgentException first;
        try {
            loadFrom(resource, tmp);
            loaded = true;
            return;
        } catch (AgentException e) {
            first = e;
        }
        try {
            loadFrom(resource, bundleFolder);
            loaded = true;
        } catch (AgentException e) {
            throw first;
        }
    }

    static String platform() throws AgentException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) throw new AgentException("unsupported operating system: " + os);
        switch (arch) {
            case "amd64", "x86_64": return "linux-x86_64";
            case "aarch64", "arm64": return "linux-aarch64";
            default: throw new AgentException("unsupported processor: " + arch);
        }
    }

    private static void loadFrom(String resource, Path parent) throws AgentException {
        Path folder = null;
        Path library = null;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) throw new AgentException("crashcap.jar has no " + resource);
            folder = createPrivateFolder(parent);
            library = folder.resolve("libcrashcap.so");
            try (FileOutputStream out = new FileOutputStream(library.toFile())) {
                in.transferTo(out);
            }
            System.load(library.toString());
        } catch (IOException | UnsatisfiedLinkError e) {
            throw new AgentException("cannot load the native library in " + parent + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(library);
            deleteQuietly(folder);
        }
    }

    /** A new folder of our own: mkdir fails on any existing name, so a clash is just tried again. */
    private static Path createPrivateFolder(Path parent) throws IOException {
        FileAlreadyExistsException clash = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                return Files.createDirectory(parent.resolve("crashcap-" + Long.toHexString(System.nanoTime())),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                clash = e;
            }
        }
        throw clash;
    }

    private static void deleteQuietly(Path path) {
        if (path == null) return;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A leftover empty temporary folder is harmless.
        }
    }
}
