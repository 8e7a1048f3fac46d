package dev.crashcap.ship;

import dev.crashcap.agent.RuntimeModules;
import java.nio.file.Path;

/**
 * What an armed JVM's upload thread runs once its start delay is over (dev.crashcap.agent.BackgroundUpload starts the
 * thread; it calls this through the class loader of crashcap.jar's nested classes, dev.crashcap.launch.NestedClasses,
 * hence plain strings and no settings type in the call).
 */
public final class BackgroundShipping {
    private BackgroundShipping() {}

    /** The options as the native arming resolved them; null where unset (BackgroundUpload.start says which). */
    public static void run(String folder, String url, String token, String sentryDsn, String maxBundles, String maxMb,
            String crashLoopLimit, boolean minidump, boolean verbose) {
        ShippingSettings settings = new ShippingSettings(Path.of(folder), url, token, sentryDsn, maxBundles, maxMb,
                crashLoopLimit, 0, minidump, verbose);
        if ((url != null || sentryDsn != null) && !RuntimeModules.present(RuntimeModules.HTTP)) {
            // A jlink image without java.net.http: one line, then what can be done without it (finishing).
            System.err.println("crashcap: not uploading: " + RuntimeModules.missing(RuntimeModules.HTTP, "uploading"));
            settings = new ShippingSettings(settings.folder(), null, null, null, maxBundles, maxMb, crashLoopLimit, 0,
                    minidump, verbose);
        }
        try {
            ShippingLoop.run(settings);
        } catch (LinkageError e) {
            // Any other module missing from a jlink image: one line, never a stack trace in the application's stderr.
            String module = RuntimeModules.of(e);
            System.err.println("crashcap: upload thread stopped: " + (module != null
                    ? RuntimeModules.missing(module, "uploading") : e.toString()));
        }
    }
}
