package dev.crashcap.launch;

import java.io.IOException;
import java.io.InputStream;
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
 * only what arming, attach and dumps load (the build's agent-java/src/build/NestJar.java decides, by following
 * class references from the agent's entry points, whole packages at a time, so no package is split between loaders).
 *
 * <p>The nested jar is read into memory when one of its classes is first needed (the JDK's class loaders cannot
 * read a jar inside a jar, and a copy on disk would need a place to live and be trusted). Each class's bytes are
 * dropped once it is defined. Its classes get this jar's protection domain, so their code source is crashcap.jar
 * itself (attach passes that path to the target), and the jar's Implementation-Version as their packages' version.
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

    private final Map<String, byte[]> classes;
    private final ProtectionDomain domain = NestedClasses.class.getProtectionDomain();
    private final String version = NestedClasses.class.getPackage().getImplementationVersion();

    private NestedClasses(ClassLoader parent, Map<String, byte[]> classes) {
        super("crashcap-nested", parent);
        this.classes = classes;
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
        try (JarFile outer = new JarFile(jar.toFile(), false)) {
            ZipEntry nested = outer.getEntry(ENTRY);
            if (nested == null) return own; // a jar of crashcap's classes made some other way: all at its top level
            return new NestedClasses(own, read(outer.getInputStream(nested), withoutCli));
        }
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

    private static Map<String, byte[]> read(InputStream in, boolean withoutCli) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        try (ZipInputStream nested = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = nested.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (name.endsWith(".class") && !(withoutCli && cliOnly(name))) classes.put(name, nested.readAllBytes());
            }
        }
        return classes;
    }

    private static boolean cliOnly(String name) {
        for (String prefix : CLI_ONLY) {
            if (name.startsWith(prefix)) return true;
        }
        return false;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/') + ".class";
        byte[] bytes;
        synchronized (classes) {
            bytes = classes.remove(path); // a defined class's bytes are never needed again
        }
        if (bytes == null) throw new ClassNotFoundException(name);
        definePackageOf(name);
        return defineClass(name, bytes, 0, bytes.length, domain);
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
