package dev.crashcap.bundle;

import java.nio.file.Path;
import java.util.List;

/**
 * A crash bundle as read from its {@code capture.txt}. {@code truncated} means the handler did not finish the
 * file (no {@code end complete} line): everything else holds what the file had. {@code warnings} lists what the
 * parser had to skip, one human line each. {@code captureMicros} is the time from the signal to the file being
 * durable, as the handler measured it (null if not recorded).
 */
public record Bundle(Path directory, Header header, Crash crash, List<ThreadInfo> threads,
        ThreadsSummary threadsSummary, List<LoadedModule> modules, Long captureMicros, boolean truncated,
        List<String> warnings) {

    /** The process id: from the crash section, else from the header; null if neither is known. */
    public Long pid() {
        return crash.pid() != null ? crash.pid() : header.pid();
    }

    /** The thread marked as crashed, else the one whose tid the crash section names; null if none is known. */
    public ThreadInfo crashingThread() {
        for (ThreadInfo thread : threads) {
            if (thread.crashed()) {
                return thread;
            }
        }
        for (ThreadInfo thread : threads) {
            if (thread.tid() != null && thread.tid().equals(crash.tid())) {
                return thread;
            }
        }
        return null;
    }

    /** Every thread marked as crashed, the first crashing thread first. */
    public List<ThreadInfo> crashedThreads() {
        return threads.stream().filter(ThreadInfo::crashed).toList();
    }

    /** The module whose mapping holds {@code pc}, or null. */
    public LoadedModule moduleAt(long pc) {
        for (LoadedModule module : modules) {
            if (module.contains(pc)) {
                return module;
            }
        }
        return null;
    }

    /** The module with exactly this path, or null. */
    public LoadedModule moduleByPath(String path) {
        for (LoadedModule module : modules) {
            if (module.path().equals(path)) {
                return module;
            }
        }
        return null;
    }
}
