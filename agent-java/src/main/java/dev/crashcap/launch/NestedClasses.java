package dev.crashcap.launch;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The class loader of the crashcap classes that crashcap.jar keeps in a jar inside itself ({@value #ENTRY}): the CLI
 * (with picocli) and the upload machinery, everything an armed JVM's start does not load.
 *
 * <p>Why nested: a JVM opening a jar checks every entry of its central directory, in Java and interpreted at
 * start-up, and {@code -javaagent:crashcap.jar} makes every JVM open crashcap.jar. With its ~460 classes at the top
 * level that was the larger half of -javaagent's cost on JDK 25 (docs/agentpath.md, "Cost"); the top level now holds
 * only what arming, attach and dumps load (the build's agent-java/src/packaging/NestJar.java decides, by following
 * class references from the agent's entry points, whole packages at a time, so no package is split between loaders).
 *
 * <p>The nested jar is read from crashcap.jar as a stream, as far as the classes asked for so far (the JDK's class
 * loaders cannot read a jar inside a jar, and a copy on disk would need a place to live and be trusted); classes read
 * on the way are kept in memory until they are defined. Its classes get this jar's protection domain, so their code
 * source is crashcap.jar itself (attach passes that path to the target), and the jar's Implementation-Version as
 * their packages' version.
 *
 * <p>When crashcap runs from a folder of classes (the build's own tests) there is no nested jar: every class is on
 * the class path, and the loader is this class's own.
 */
public final class NestedClasses extends ClassLoader {
    /** Where crashcap.jar holds the nested jar; the build writes it there (NestJar.java). */
    public static final String ENTRY = "lib/crashcap-nested.jar";

    /** The CLI's packages: the upload thread of an armed JVM never needs them, so it does not keep their bytes. */
    private static final String[] CLI_ONLY = {"dev/crashcap/cli/", "dev/crashcap/attach/", "dev/crashcap/shaded/"};

    static {
        registerAsParallelCapable();
    }

    private static ClassLoader cli;
    private static ClassLoader shipping;

    private final boolean withoutCli;
    private final ProtectionDomain domain = NestedClasses.class.getProtectionDomain();
    private final String version = NestedClasses.class.getPackage().getImplementationVersion();
    /** Guards the three below: the nested jar is one stream, read by one thread at a time. */
    private final Object reading = new Object();
    /** crashcap.jar, open (one file descriptor) while the nested jar is not read to its end. */
    private JarFile outer;
    /** The nested jar, read as far as a class has been asked for; null once read to its end. */
    private ZipInputStream unread;
    /** Classes read on the way to others, not defined yet. Each class's bytes are dropped once it is defined. */
    private final Map<String, byte[]> passed = new HashMap<>();

    private NestedClasses(ClassLoader parent, JarFile outer, ZipInputStream nested, boolean withoutCli) {
        super("crashcap-nested", parent);
        this.outer = outer;
        this.unread = nested;
        this.withoutCli = withoutCli;
    }

    /** The loader of every crashcap class, for the CLI. */
    public static synchronized ClassLoader cli() throws IOException {
        if (cli == null) cli = open(false);
        return cli;
    }

    /** The loader of the upload machinery, for an armed JVM's upload thread: without the CLI's packages. */
    public static synchronized ClassLoader shipping() throws IOException {
        if (shipping == null) shipping = open(true);
        return shipping;
    }

    private static ClassLoader open(boolean withoutCli) throws IOException {
        ClassLoader own = NestedClasses.class.getClassLoader();
        Path jar = ownJar();
        if (jar == null) return own;
        JarFile outer = new JarFile(jar.toFile(), false);
        ZipEntry nested = outer.getEntry(ENTRY);
        if (nested == null) { // a jar of crashcap's classes made some other way: all at its top level
            outer.close();
            return own;
        }
        return new NestedClasses(own, outer, new ZipInputStream(outer.getInputStream(nested)), withoutCli);
    }

    /** The jar this class came from; null when it came from a folder. */
    private static Path ownJar() throws IOException {
        CodeSource source = NestedClasses.class.getProtectionDomain().getCodeSource();
        if (source == null) throw new IOException("crashcap's classes have no code source");
        try {
            Path path = Path.of(source.getLocation().toURI());
            return path.toString().endsWith(".jar") ? path : null;
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("crashcap's classes come from " + source.getLocation() + ", not a jar", e);
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/') + ".class";
        byte[] bytes;
        try {
            bytes = read(path);
        } catch (IOException e) {
            throw new ClassNotFoundException(name + ": cannot read " + ENTRY + " in crashcap.jar", e);
        }
        if (bytes == null) throw new ClassNotFoundException(name);
        definePackageOf(name);
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    /**
     * A class's bytes: read before, or read now from where the last read stopped (the build puts the CLI's classes
     * first and picocli last: NestJar.readingOrder). Null when the nested jar does not hold it.
     */
    private byte[] read(String path) throws IOException {
        synchronized (reading) {
            byte[] bytes = passed.remove(path);
            while (bytes == null && unread != null) {
                ZipEntry entry = unread.getNextEntry();
                if (entry == null) {
                    unread.close();
                    outer.close();
                    unread = null;
                    outer = null;
                    break;
                }
                String name = entry.getName();
                if (!name.endsWith(".class") || (withoutCli && cliOnly(name))) continue;
                long size = entry.getSize(); // known: the build stores the classes (NestJar.java)
                byte[] read = size >= 0 ? unread.readNBytes((int) size) : unread.readAllBytes();
                if (name.equals(path)) {
                    bytes = read;
                } else {
                    passed.put(name, read);
                }
            }
            return bytes;
        }
    }

    private static boolean cliOnly(String name) {
        for (String prefix : CLI_ONLY) {
            if (name.startsWith(prefix)) return true;
        }
        return false;
    }

    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot < 0) return;
        String name = className.substring(0, dot);
        try {
            if (getDefinedPackage(name) == null) definePackage(name, null, null, null, null, version, null, null);
        } catch (IllegalArgumentException e) {
            // another thread defined it first: the same package
        }
    }
}
