package dev.crashcap.cli;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleFolder;
import dev.crashcap.report.BundleJson;
import dev.crashcap.report.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code crashcap list --group}: the bundles of a folder by {@link Signature}, the crash history at a glance (a
 * process that keeps dying young, of the same crash). Bundles are added one at a time and let go: what is kept is
 * per signature (a count, first and last time) plus, per bundle, its path, time and uptime, which the bundle list
 * and the median need. A bundle that cannot be read is in a group of its own, with a null signature.
 */
final class SignatureGroups {
    /** Bundles named in a group's row of the human view; the JSON names them all. */
    static final int NAMES_SHOWN = 3;
    private static final String[] HEADINGS = {"COUNT", "FIRST (UTC)", "LAST (UTC)", "UPTIME MIN", "MEDIAN", "SIGNATURE"};

    private final Map<String, Group> groups = new HashMap<>();

    /** Adds one bundle (or an unreadable bundle folder); returns null, as a {@code BundleFolder.scan} summary. */
    Void add(BundleFolder.Entry entry) {
        Bundle bundle = entry.bundle();
        String signature = bundle == null ? null : Signature.of(bundle);
        Long time = bundle == null ? null : bundle.crash().timeEpochMillis();
        Long uptime = bundle == null ? null : bundle.crash().uptimeMillis();
        groups.computeIfAbsent(signature, Group::new).add(entry.path().toString(), time, uptime);
        return null;
    }

    /** Most bundles first, then the most recent. */
    private List<Group> sorted() {
        List<Group> list = new ArrayList<>(groups.values());
        list.sort(Comparator.comparingInt((Group g) -> g.count).reversed()
                .thenComparing(Comparator.comparingLong((Group g) -> g.last == null ? Long.MIN_VALUE : g.last).reversed())
                .thenComparing(g -> String.valueOf(g.signature)));
        return list;
    }

    /** The {@code list --group --json} array (docs/bundle-format.md). */
    List<Object> json() {
        List<Object> array = new ArrayList<>();
        for (Group group : sorted()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("signature", group.signature);
            json.put("count", group.count);
            json.put("first", BundleJson.time(group.first));
            json.put("last", BundleJson.time(group.last));
            json.put("uptimeMinMillis", group.uptimeMin());
            json.put("uptimeMedianMillis", group.uptimeMedian());
            json.put("bundles", group.newestFirst());
            array.add(json);
        }
        return array;
    }

    /** The human view: one row per signature, then the newest bundles of the group, at most {@link #NAMES_SHOWN}. */
    String render() {
        if (groups.isEmpty()) {
            return "no bundles\n";
        }
        List<Group> sorted = sorted();
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADINGS);
        for (Group group : sorted) {
            rows.add(new String[] {String.valueOf(group.count), time(group.first), time(group.last),
                duration(group.uptimeMin()), duration(group.uptimeMedian()),
                group.signature == null ? "(unreadable)" : group.signature});
        }
        int[] widths = new int[HEADINGS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], BundleTable.printable(row[i]).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                String cell = BundleTable.printable(row[i]);
                line.append(i == row.length - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r > 0) {
                Group group = sorted.get(r - 1);
                List<String> names = group.newestFirst();
                for (String name : names.subList(0, Math.min(NAMES_SHOWN, names.size()))) {
                    out.append("    ").append(BundleTable.printable(name)).append('\n');
                }
                if (names.size() > NAMES_SHOWN) {
                    out.append("    … and ").append(names.size() - NAMES_SHOWN).append(" more\n");
                }
            }
        }
        return out.toString();
    }

    private static String time(Long epochMillis) {
        return epochMillis == null ? "-" : Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A duration as a person reads it: 850 ms, 12.3 s, 5 min 3 s, 2 h 14 min, 3 d 4 h. */
    static String duration(Long millis) {
        if (millis == null) {
            return "-";
        }
        long ms = millis;
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return (ms / 100) / 10 + "." + (ms / 100) % 10 + " s";
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        long min = s / 60;
        if (min < 24 * 60) {
            return min / 60 + " h " + min % 60 + " min";
        }
        long h = min / 60;
        return h / 24 + " d " + h % 24 + " h";
    }

    /** One signature's bundles: paths, times and uptimes in parallel arrays, so a large folder stays small. */
    private static final class Group {
        final String signature;
        int count;
        Long first;
        Long last;
        private String[] paths = new String[4];
        private long[] times = new long[4]; // Long.MIN_VALUE: unknown
        private long[] uptimes = new long[4];
        private int uptimeCount;

        Group(String signature) {
            this.signature = signature;
        }

        void add(String path, Long time, Long uptime) {
            if (count == paths.length) {
                paths = Arrays.copyOf(paths, count * 2);
                times = Arrays.copyOf(times, count * 2);
            }
            paths[count] = path;
            times[count] = time == null ? Long.MIN_VALUE : time;
            count++;
            if (time != null) {
                first = first == null ? time : Math.min(first, time);
                last = last == null ? time : Math.max(last, time);
            }
            if (uptime != null) {
                if (uptimeCount == uptimes.length) {
                    uptimes = Arrays.copyOf(uptimes, uptimeCount * 2);
                }
                uptimes[uptimeCount++] = uptime;
            }
        }

        Long uptimeMin() {
            long min = Long.MAX_VALUE;
            for (int i = 0; i < uptimeCount; i++) {
                min = Math.min(min, uptimes[i]);
            }
            return uptimeCount == 0 ? null : min;
        }

        /** The median uptime; of an even number, the lower middle one (an uptime that happened, not an average). */
        Long uptimeMedian() {
            if (uptimeCount == 0) {
                return null;
            }
            long[] sorted = Arrays.copyOf(uptimes, uptimeCount);
            Arrays.sort(sorted);
            return sorted[(uptimeCount - 1) / 2];
        }

        /** The bundle paths, newest first (as {@code list}; no time: last). */
        List<String> newestFirst() {
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong((Integer i) -> times[i]).reversed()
                    .thenComparing(i -> paths[i], Comparator.reverseOrder()));
            List<String> names = new ArrayList<>(count);
            for (Integer i : order) {
                names.add(paths[i]);
            }
            return names;
        }
    }
}
