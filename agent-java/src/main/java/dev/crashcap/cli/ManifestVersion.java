package dev.crashcap.cli;

import dev.crashcap.bundle.AgentVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version the jar's manifest gives ({@link AgentVersion}). */
final class ManifestVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"crashcap " + AgentVersion.get()};
    }
}
