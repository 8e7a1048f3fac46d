package dev.crashcap.testapp;

import dev.crashcap.launch.NestedClasses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Run with crashcap.jar on the class path (NestedJarIT): loads every class of the jar's nested jar through
 * {@link NestedClasses#cli()}, with the types its members name, and prints what failed, then
 * {@code loaded <n> of <m>}, the code source and the package version the nested classes get.
 */
public final class NestedClassesCheck {
    public static void main(String[] args) throws Exception {
        ClassLoader nested = NestedClasses.cli();
        Path jar = Path.of(NestedClasses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        try (ZipFile outer = new ZipFile(jar.toFile());
                ZipInputStream in = new ZipInputStream(outer.getInputStream(outer.getEntry(NestedClasses.ENTRY)))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (name.endsWith(".class")) names.add(name.substring(0, name.length() - 6).replace('/', '.'));
            }
        }
        int loaded = 0;
        for (String name : names) {
            try {
                Class<?> type = Class.forName(name, false, nested);
                type.getDeclaredMethods(); // resolves every type the members name
                type.getDeclaredFields();
                type.getDeclaredConstructors();
                if (type.getClassLoader() != nested) throw new AssertionError("defined by " + type.getClassLoader());
                loaded++;
            } catch (Throwable e) {
                System.out.println("failed " + name + ": " + e);
            }
        }
        System.out.println("loaded " + loaded + " of " + names.size());
        Class<?> cli = Class.forName("dev.crashcap.cli.Main", false, nested);
        System.out.println("code source " + Path.of(cli.getProtectionDomain().getCodeSource().getLocation().toURI()));
        System.out.println("version " + cli.getPackage().getImplementationVersion());
    }
}
