#!/usr/bin/env bash
# Frame extraction vs the ffmpeg CLI, and pHash near-duplicate precision/recall (FrameBench).
# Makes the test videos with ffmpeg (testsrc2, mandelbrot, life; scene changes), builds the Java side
# (bench/build_java.sh: the bench Maven module, when its sources changed), runs it.
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
cp="$(cat "$(bash "$here/build_java.sh")")"
"$JAVA_HOME/bin/java" "${LAKEBEAM_JVM_FLAGS[@]}" -cp "$cp" io.lakebeam.bench.FrameBench "$videos" --repeat "$repeat" "$@"
