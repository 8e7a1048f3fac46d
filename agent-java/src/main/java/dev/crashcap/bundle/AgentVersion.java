package dev.crashcap.bundle;

/** The version of crashcap, from the jar manifest ("dev" when run from classes). */
public final class AgentVersion {
    private AgentVersion() {}

    public static String get() {
        String version = AgentVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
