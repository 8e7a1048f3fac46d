#!/usr/bin/env bash
# Runs crashcap's benchmarks and prints their tables. Builds the jar first if it is not there.
#   bench/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=agent-java/target/crashcap.jar
[ -f "$jar" ] || mvn -B -q package -DskipTests
java bench/StartupBench.java "$jar" "${1:-40}"
