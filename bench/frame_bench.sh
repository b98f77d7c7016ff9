#!/usr/bin/env bash
# Frame extraction vs the ffmpeg CLI, and pHash near-duplicate precision/recall (FrameBench).
# Makes the test videos with ffmpeg (testsrc2, mandelbrot, life; scene changes), builds the Java side
# against the multimodal module (Maven package of that module only, never install), runs it.
# Usage: bash bench/frame_bench.sh [--smoke] [FrameBench options, e.g. --every 2 --scene 0.3]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=../scripts/env.sh
source "$root/scripts/env.sh"
bash "$root/scripts/ensure-ffmpeg.sh"
videos="$here/data/videos"; count=4; seg=8; size=640x360; repeat=3
if [ "${1:-}" = "--smoke" ]; then
  shift; videos="$here/data/videos-smoke"; count=1; seg=2; size=320x180; repeat=1
fi
bash "$here/make_videos.sh" "$videos" "$count" "$seg" "$size" >/dev/null
log="$here/target/build-frame-java.log"
mkdir -p "$here/target"
if ! (cd "$root" && mvn -B -q -o -Dstyle.color=never -pl multimodal -am package -DskipTests \
    && mvn -B -q -o -Dstyle.color=never -pl multimodal dependency:build-classpath -DincludeScope=runtime \
       -Dmdep.outputFile="$root/multimodal/target/runtime-classpath.txt") >"$log" 2>&1; then
  cat "$log" >&2; echo "Cannot build the frame benchmark: see above" >&2; exit 1
fi
deps="$root/multimodal/target/classes:$root/core/target/classes:$(cat "$root/multimodal/target/runtime-classpath.txt")"
out="$here/target/frame-classes"
rm -rf "$out" && mkdir -p "$out"
"$JAVA_HOME/bin/javac" --release 25 -nowarn -d "$out" -cp "$deps" "$here/src/main/java/io/lakebeam/bench/FrameBench.java"
"$JAVA_HOME/bin/java" "${LAKEBEAM_JVM_FLAGS[@]}" -cp "$out:$deps" io.lakebeam.bench.FrameBench "$videos" --repeat "$repeat" "$@"
