#!/usr/bin/env bash
# Runs crashcap's benchmarks and prints their tables. Builds the jar and the test classes first if they are not there.
#   bench/run.sh [startup runs] [crash runs per thread count]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=agent-java/target/crashcap.jar
testlib=agent-java/target/native-build/libcrashcaptest.so
classes=agent-java/target/test-classes
[ -f "$jar" ] && [ -f "$testlib" ] && [ -d "$classes/dev/crashcap/testapp" ] || mvn -B -q package -DskipTests
java bench/StartupBench.java "$jar" "${1:-40}"
echo
java -cp "$jar" bench/ThreadsBench.java "$jar" "$testlib" "$classes" "${2:-5}"
