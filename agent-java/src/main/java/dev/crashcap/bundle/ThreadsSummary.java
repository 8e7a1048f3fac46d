package dev.crashcap.bundle;

/**
 * The {@code threads} section: how many threads {@code /proc/self/task} listed (the crashing one included), how
 * many unwound themselves before the deadline, and that deadline; and whether the resolver thread (JVMTI: Java
 * thread states and names, names of Java frames the handler could not read) answered: {@code "ok"}, or why its
 * answers are absent ({@code "vm-death"}, {@code "deadline"}, {@code "forked-child"}, {@code "unavailable"};
 * docs/bundle-format.md). Null fields were not in the capture.
 */
public record ThreadsSummary(Integer total, Integer answered, Long deadlineMillis, String resolver) {

    public static final ThreadsSummary UNKNOWN = new ThreadsSummary(null, null, null, null);
}
