package dev.crashcap.symbols;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * C++ names as a person reads them: {@code _ZN3app6Worker4stepERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE}
 * becomes {@code app::Worker::step(std::__cxx11::basic_string<…> const&)}. crashcap writes no demangler: it asks
 * binutils' {@code c++filt}, once for all the names of a bundle ({@link #learn}). Where there is no c++filt (or it
 * fails, or takes longer than {@value #TIMEOUT_SECONDS} s) a name stays as it is: the raw name is never lost, and
 * the JSON keeps it next to the demangled one. The CLI loads no native code and the JVM loads no libstdc++, so
 * {@code __cxa_demangle} is not at hand there; a Java demangler would be a third-party dependency to relocate.
 */
public final class Demangler {
    static final int TIMEOUT_SECONDS = 10;
    private static final int MAX_REMEMBERED = 100_000;
    // Itanium C++ ABI names (and GCC's clones, foo.cold / foo.isra.0). Nothing else is handed to c++filt, so a
    // name from a damaged capture can be neither an option nor split into two lines.
    private static final Pattern MANGLED = Pattern.compile("_Z[A-Za-z0-9_.$]+");
    private static final Map<String, String> KNOWN = new ConcurrentHashMap<>();

    private Demangler() {
    }

    /** The name demangled, or the name itself if it is not a mangled C++ name or cannot be demangled here. */
    public static String of(String name) {
        if (!isMangled(name)) {
            return name;
        }
        String known = KNOWN.get(name);
        if (known != null) {
            return known;
        }
        learn(List.of(name));
        return KNOWN.getOrDefault(name, name);
    }

    /**
     * A C++ type as {@code std::type_info::name()} gives it ({@code St13runtime_error}), demangled
     * ({@code std::runtime_error}); the name itself if it cannot be.
     */
    public static String type(String name) {
        if (name == null || !MANGLED.matcher("_ZTS" + name).matches()) {
            return name;
        }
        String demangled = of("_ZTS" + name); // the symbol of the type's name: "typeinfo name for <type>"
        String prefix = "typeinfo name for ";
        return demangled.startsWith(prefix) ? demangled.substring(prefix.length()) : name;
    }

    /** The demangled name, or null when it is the same as the name (not C++, or no demangler here). */
    public static String demangledOrNull(String name) {
        String demangled = of(name);
        return demangled == null || demangled.equals(name) ? null : demangled;
    }

    /** Demangles every mangled name not known yet with one run of c++filt, remembering the answers. */
    public static void learn(Collection<String> names) {
        Set<String> distinct = new LinkedHashSet<>();
        for (String name : names) {
            if (isMangled(name) && !KNOWN.containsKey(name)) {
                distinct.add(name);
            }
        }
        List<String> unknown = new ArrayList<>(distinct);
        if (unknown.isEmpty()) {
            return;
        }
        List<String> answers = cxxfilt(unknown);
        for (int i = 0; i < unknown.size(); i++) {
            boolean answered = answers != null && i < answers.size() && !answers.get(i).isBlank();
            String answer = answered ? answers.get(i) : unknown.get(i);
            if (KNOWN.size() < MAX_REMEMBERED) {
                KNOWN.put(unknown.get(i), answer);
            }
        }
    }

    private static boolean isMangled(String name) {
        return name != null && name.startsWith("_Z") && MANGLED.matcher(name).matches();
    }

    /** c++filt's answer for each name, one line each in the same order; null when it cannot be had. */
    private static List<String> cxxfilt(List<String> names) {
        Process process;
        try {
            process = new ProcessBuilder("c++filt").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException | RuntimeException e) {
            return null; // no binutils here: names stay raw
        }
        try {
            // Written from another thread: c++filt answers line by line, and a pipe full both ways would block.
            Thread writer = new Thread(() -> {
                try (OutputStream in = process.getOutputStream()) {
                    in.write((String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // c++filt went away: its exit status says so
                }
            }, "crashcap-demangle");
            writer.setDaemon(true);
            writer.start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream out = process.getInputStream()) {
                    out.transferTo(output);
                } catch (IOException e) {
                    // destroyed after the timeout
                }
            }, "crashcap-demangle");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return null;
            }
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            List<String> lines = output.toString(StandardCharsets.UTF_8).lines().toList();
            return lines.size() == names.size() ? lines : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            process.destroy();
        }
    }
}
