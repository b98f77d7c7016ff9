#!/usr/bin/env bash
# Makes benchmark videos with Debian's ffmpeg: testsrc2, mandelbrot and life sources concatenated,
# so each video has real scene changes. H.264 (libx264), yuv420p, 25 fps.
# Usage: bash bench/make_videos.sh OUT_DIR COUNT SECONDS_PER_SCENE WIDTHxHEIGHT
set -euo pipefail
out="$1"; count="$2"; seg="$3"; size="$4"
mkdir -p "$out"
for i in $(seq 1 "$count"); do
  f="$out/scenes-$i.mp4"
  [ -s "$f" ] && continue
  ffmpeg -v error -y \
    -f lavfi -i "testsrc2=size=$size:rate=25:duration=$seg" \
    -f lavfi -i "mandelbrot=size=$size:rate=25:start_scale=$((i + 2))" \
    -f lavfi -i "life=size=$size:rate=25:seed=$i:mold=10:life_color=#00ff00:death_color=#aa0000" \
    -f lavfi -i "testsrc2=size=$size:rate=25:duration=$seg" \
    -filter_complex "[1:v]trim=duration=$seg,setpts=PTS-STARTPTS,format=yuv420p[m];[2:v]trim=duration=$seg,setpts=PTS-STARTPTS,format=yuv420p[l];[3:v]hue=h=$((i * 90)),format=yuv420p[t];[0:v]format=yuv420p[a];[a][m][l][t]concat=n=4:v=1:a=0[v]" \
    -map "[v]" -c:v libx264 -preset veryfast -g 50 -pix_fmt yuv420p "$f"
done
echo "$out"
