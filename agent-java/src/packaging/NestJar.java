import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step (agent-java/pom.xml, package phase, after the shade plugin): rewrites the shaded crashcap.jar so that
 * its top level holds only the packages an armed JVM loads, and every other class sits in one jar inside it,
 * lib/crashcap-nested.jar, which dev.crashcap.launch.NestedClasses reads when the CLI or the upload thread needs it.
 * Why: every JVM started with -javaagent:crashcap.jar opens the jar, and opening checks every entry of the central
 * directory, interpreted (docs/agentpath.md, "Cost").
 *
 * <p>The top level is found, not listed: the packages of the manifest's Premain-Class, Agent-Class and Main-Class and
 * of the classes named on the command line (found by native code with JNI), then every package one of their classes
 * refers to, until nothing is added. A reference is any crashcap class name in a class file's constant pool (class
 * constants and type descriptors alike). Whole packages move, so that no package is split between two class loaders
 * (package-private access fails across loaders). Classes named only in strings with dots, for reflection, are not
 * references: that is how the top level reaches nested classes. Directory entries and META-INF/maven are left out.
 *
 * <p>Usage: java NestJar.java <shaded jar> [<class name found by JNI> ...]; the jar is replaced atomically.
 */
public class NestJar {
    static final String NESTED = "lib/crashcap-nested.jar";
    static final Pattern CLASS_NAME = Pattern.compile("dev/crashcap/[A-Za-z0-9_/$]+");

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, Long> times = new LinkedHashMap<>();
        Manifest manifest;
        try (JarFile in = new JarFile(jar.toFile(), false)) {
            if (in.getEntry(NESTED) != null) {
                // Its top level would hold the classes shaded in a second time: run it on the shade plugin's output.
                throw new IOException(jar + " holds " + NESTED + " already: not a jar the shade plugin just made");
            }
            manifest = in.getManifest();
            for (Enumeration<? extends ZipEntry> all = in.entries(); all.hasMoreElements(); ) {
                ZipEntry entry = all.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || name.equals(JarFile.MANIFEST_NAME) || name.startsWith("META-INF/maven/")) continue;
                entries.put(name, in.getInputStream(entry).readAllBytes());
                times.put(name, entry.getTime());
            }
        }
        Set<String> topPackages = topPackages(entries, manifest, args);
        List<String> top = new ArrayList<>();
        List<String> nestedNames = new ArrayList<>();
        for (String name : entries.keySet()) {
            (!name.endsWith(".class") || topPackages.contains(packageOf(name)) ? top : nestedNames).add(name);
        }
        nestedNames.sort(Comparator.comparingInt(NestJar::readingOrder)); // stable: the shaded jar's order within
        long newest = times.values().stream().mapToLong(Long::longValue).max().orElse(0);
        ByteArrayOutputStream nested = new ByteArrayOutputStream();
        Path temporary = jar.resolveSibling(jar.getFileName() + ".nesting");
        try (ZipOutputStream inner = new ZipOutputStream(nested);
                ZipOutputStream outer = new ZipOutputStream(Files.newOutputStream(temporary))) {
            outer.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
            manifest.write(outer);
            for (String name : top) write(outer, name, entries.get(name), times.get(name), false);
            for (String name : nestedNames) write(inner, name, entries.get(name), times.get(name), true);
            inner.finish();
            write(outer, NESTED, nested.toByteArray(), newest, false);
        }
        Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("NestJar: " + jar.getFileName() + " holds " + (top.size() + 2) + " entries at its top level "
                + "(packages " + String.join(", ", topPackages).replace('/', '.') + "), " + nestedNames.size()
                + " classes in " + NESTED);
    }

    /**
     * NestedClasses reads the nested jar only as far as the classes asked for so far: the CLI's own packages come
     * first (a plain {@code crashcap dump} needs nothing else: DumpFastPath), picocli last.
     */
    static int readingOrder(String name) {
        if (name.startsWith("dev/crashcap/cli/") || name.startsWith("dev/crashcap/attach/")) return 0;
        return name.startsWith("dev/crashcap/shaded/") ? 2 : 1;
    }

    /**
     * {@code stored}: for the nested jar's classes. They are compressed as one stream with the nested jar itself (its
     * entry in crashcap.jar is deflated), which makes crashcap.jar 795 KB instead of 1,018 KB, and NestedClasses reads
     * them without an inflater each (measured: ~2 % fewer instructions in a plain crashcap dump's CLI).
     */
    private static void write(ZipOutputStream zip, String name, byte[] bytes, long time, boolean stored)
            throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(time);
        if (stored) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(bytes.length);
            entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    /** The packages (with slashes) that stay at the top level: the closure of the roots' packages. */
    static Set<String> topPackages(Map<String, byte[]> entries, Manifest manifest, String[] args) throws IOException {
        Set<String> packages = new TreeSet<>();
        Deque<String> work = new ArrayDeque<>();
        Attributes main = manifest.getMainAttributes();
        for (String key : new String[] {"Premain-Class", "Agent-Class", "Main-Class"}) {
            String root = main.getValue(key);
            if (root != null) work.add(packageOf(root.replace('.', '/')));
        }
        for (int i = 1; i < args.length; i++) work.add(packageOf(args[i].replace('.', '/')));
        while (!work.isEmpty()) {
            String next = work.pop();
            if (!packages.add(next)) continue;
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                String name = entry.getKey();
                if (!name.endsWith(".class") || !packageOf(name).equals(next)) continue;
                for (String referenced : references(entry.getValue())) {
                    if (entries.containsKey(referenced + ".class")) work.add(packageOf(referenced));
                }
            }
        }
        return packages;
    }

    static String packageOf(String name) {
        return name.substring(0, Math.max(0, name.lastIndexOf('/')));
    }

    /** The crashcap class names (with slashes) in a class file's constant pool's UTF-8 constants. */
    static Set<String> references(byte[] classFile) throws IOException {
        Set<String> names = new TreeSet<>();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> { // Utf8: class names, descriptors, signatures
                    Matcher matcher = CLASS_NAME.matcher(in.readUTF());
                    while (matcher.find()) names.add(matcher.group());
                }
                case 7, 8, 16, 19, 20 -> in.skipBytes(2); // Class, String, MethodType, Module, Package
                case 15 -> in.skipBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4); // Integer, Float, refs, NameAndType, dynamic
                case 5, 6 -> { // Long, Double: two slots
                    in.skipBytes(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return names;
    }
}
