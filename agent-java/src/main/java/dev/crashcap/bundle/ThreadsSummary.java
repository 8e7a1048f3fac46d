package dev.crashcap.bundle;

/**
 * The {@code threads} section: how many threads {@code /proc/self/task} listed (the crashing one included), how
 * many unwound themselves before the deadline, and that deadline. Null fields were not in the capture.
 */
public record ThreadsSummary(Integer total, Integer answered, Long deadlineMillis) {

    public static final ThreadsSummary UNKNOWN = new ThreadsSummary(null, null, null);
}
