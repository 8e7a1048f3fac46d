#!/usr/bin/env bash
# Runs crashcap's benchmarks and prints their tables. Builds the jar and the test classes first if they are
# not there.
#   bench/run.sh [start-up runs] [crash runs per thread count] [attach runs] [dump runs] [upload bundles] [upload runs]
#                [thread start runs] [context runs]
#   bench/run.sh passthrough [pairs] [work scale]
# The second form runs only the pass-through benchmarks (about 3 minutes on a quiet machine with the default 20 pairs):
# the handler's own cost per signal (agent-native/test/pass_through_bench.c) and a JVM at work with and without the
# agent (bench/PassThroughBench.java), with the overhead that cost lets one expect.
# Attach latency is measured against every JDK found among the usual ones (17, 21, 25); CRASHCAP_BENCH_JDKS
# (space-separated java homes) overrides that. The scale benchmark (list, list --json and upload over 1,000 and
# 10,000 bundles in a 64 MiB heap; the 10,000-bundle upload takes minutes) runs last; CRASHCAP_BENCH_SCALE
# (space-separated bundle counts) changes the sizes, "none" skips it. Alone:
#   java bench/ScaleBench.java agent-java/target/crashcap.jar agent-java/src/test/resources/captures/segv.txt -Xmx64m 1000 10000
set -euo pipefail
cd "$(dirname "$0")/.."
jar=agent-java/target/crashcap.jar
testlib=agent-java/target/native-build/libcrashcaptest.so
classes=agent-java/target/test-classes
# The benchmarks that call crashcap's classes directly: its build's class folders (crashcap.jar nests most classes
# inside itself, where only its own class loader finds them: agent-java/src/packaging/NestJar.java).
crashcap_classes=agent-java/target/classes:collector-client/target/classes
[ -f "$jar" ] && [ -f "$testlib" ] && [ -d "$classes/dev/crashcap/testapp" ] || mvn -B -q package -DskipTests
if [ "${1:-}" = passthrough ]; then
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    native=agent-java/target/native-build/agent-native/pass_through_bench
    # The handler's own cost per signal, one thread, then two faulting at once (shared state would show there).
    one=$("$native" 50000 41 1)
    echo "$one"
    "$native" 50000 21 2 | grep -v '^extra'
    echo
    # ... and a JVM at work, handed that cost for the overhead to expect.
    # shellcheck disable=SC2046
    java bench/PassThroughBench.java "$jar" "${2:-20}" "${3:-1.0}" $(echo "$one" | sed -n 's/^extra ns per signal.*: //p')
    exit
fi
java bench/StartupBench.java "$jar" "${1:-40}"
echo
# -agentpath, an empty -javaagent and crashcap's -javaagent against a bare JVM: CPU and peak RSS (docs/agentpath.md)
java bench/AgentpathBench.java agent-java/target/crashcap "${1:-40}"
echo
java -cp "$crashcap_classes" bench/ThreadsBench.java "$jar" "$testlib" "$classes" "${2:-5}"
echo
jdks=${CRASHCAP_BENCH_JDKS:-}
if [ -z "$jdks" ]; then
    for home in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64; do
        [ -x "$home/bin/java" ] && jdks="$jdks $home"
    done
fi
# shellcheck disable=SC2086
java -cp "$crashcap_classes" bench/AttachBench.java "$jar" "${3:-10}" $jdks
echo
java -cp "$crashcap_classes" bench/DumpBench.java "$jar" "$testlib" "$classes" "${4:-5}"
echo
# CRASHCAP_BENCH_OLD_JAR (a crashcap.jar of an older build) adds its rows, measured interleaved with this build's
java bench/UploadBench.java "$jar" agent-java/src/test/resources/captures/segv.txt "${5:-1000}" "${6:-3}" ${CRASHCAP_BENCH_OLD_JAR:+"$CRASHCAP_BENCH_OLD_JAR"}
echo
java bench/ThreadStartBench.java "$jar" "$testlib" "$classes" "${7:-5}"
echo
java bench/ContextBench.java "$jar" "$testlib" "$classes" "${8:-5}"
scale=${CRASHCAP_BENCH_SCALE:-1000 10000}
if [ "$scale" != none ]; then
    echo
    # shellcheck disable=SC2086
    java bench/ScaleBench.java "$jar" agent-java/src/test/resources/captures/segv.txt -Xmx64m $scale
fi
