package dev.crashcap.cli;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.collector.SafeFiles;
import dev.crashcap.minidump.MinidumpWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code crashcap export --minidump <bundle> -o <file> [--force]}: a bundle as a standard minidump (docs/ship.md,
 * "Minidumps"), for lldb, Breakpad's and rust-minidump's stackwalkers and Sentry. Reads the bundle and writes only
 * the output file (mode 0600), never over an existing one unless {@code --force} says so.
 */
@Command(name = "export",
        description = "Writes a bundle as a standard minidump (--minidump), for lldb -c, minidump_stackwalk, "
                + "rust-minidump or Sentry.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--minidump", required = true, description = "Write a minidump (the one format export writes).")
    boolean minidump;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "<file>", description = "The file to write.")
    Path output;

    @Option(names = "--force", description = "Replace <file> if it exists.")
    boolean force;

    @Parameters(paramLabel = "<bundle>", description = "A bundle directory, or the capture.txt inside one.")
    String bundlePath;

    @Override
    public Integer call() throws BundleException {
        if (Files.isDirectory(output)) {
            throw new BundleException(output + " is a directory; give the file to write with -o");
        }
        if (Files.exists(output, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw new BundleException(output + " exists; give --force to replace it");
        }
        Bundle bundle = BundleLocator.load(bundlePath);
        byte[] dump = MinidumpWriter.of(bundle);
        try {
            SafeFiles.write(output, dump); // a temporary file (0600), fsynced, renamed over the target
        } catch (IOException e) {
            throw new BundleException("cannot write " + output + ": " + e.getMessage());
        }
        spec.commandLine().getOut().println("wrote " + output + " (" + dump.length + " bytes, "
                + bundle.threads().size() + " threads, " + bundle.modules().size() + " modules)");
        return ExitCode.OK.code();
    }
}
