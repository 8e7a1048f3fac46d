#!/usr/bin/env bash
# The crashcap demo: builds everything, starts a JVM with the agent that dies in a JNI library
# (a write through a NULL pointer three C calls deep, in a library built without frame pointers),
# then shows the bundle it left with `crashcap inspect`.
#   demo/run.sh [segv|bus|fpe|ill|abort|double-free|gp|bad-jobject]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-segv}
mvn -B -q package -DskipTests
root=$PWD
jar=$root/agent-java/target/crashcap.jar
work=$(mktemp -d /tmp/crashcap-demo.XXXXXX)
echo "== starting a JVM with -javaagent:crashcap.jar that crashes in native code ($kind), in $work"
set +e
(cd "$work" && java -javaagent:"$jar"=dir="$work/bundles" \
    -Dcrashcap.testlib="$root/agent-java/target/native-build/libcrashcaptest.so" \
    -cp "$root/agent-java/target/test-classes" dev.crashcap.testapp.Crasher "$kind" >"$work/jvm-output.txt" 2>&1)
status=$?
set -e
echo "== the JVM exited with status $status; its output is in $work/jvm-output.txt"
bundle=$(ls -d "$work"/bundles/crash-* | head -n 1)
hs_err=$(ls "$work"/hs_err_pid*.log 2>/dev/null | head -n 1 || true)
if [ -n "$hs_err" ]; then
    echo "== for comparison, the native frames in the JVM's own $hs_err:"
    sed -n '/^Native frames:/,/^$/p' "$hs_err"
fi
echo "== crashcap inspect $bundle"
echo
java -jar "$jar" inspect "$bundle"
