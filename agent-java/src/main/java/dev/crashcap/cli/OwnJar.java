package dev.crashcap.cli;

import dev.crashcap.attach.AttachException;
import dev.crashcap.attach.AttachFailure;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The jar this CLI runs from: it is the agent too, and attach and dump load it into the target. */
final class OwnJar {
    private OwnJar() {}

    static Path path() throws AttachException {
        try {
            Path jar = Path.of(OwnJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar) && jar.toString().endsWith(".jar")) return jar;
        } catch (URISyntaxException | RuntimeException e) {
            // not run from a jar; said below
        }
        throw new AttachException(AttachFailure.BAD_INPUT,
                "attach and dump work only from crashcap.jar: java -jar crashcap.jar attach <pid>");
    }
}
