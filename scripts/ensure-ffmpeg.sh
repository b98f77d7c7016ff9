#!/usr/bin/env bash
# Installs Debian's ffmpeg CLI when it is missing (the frame benchmark compares against it and makes
# its test videos with it). Java tests do not need it: they record their videos with JavaCV.
set -euo pipefail
if command -v ffmpeg >/dev/null 2>&1; then
  exit 0
fi
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then
  sudo_cmd="sudo"
fi
echo "Installing ffmpeg (apt-get) for the frame benchmark ..." >&2
$sudo_cmd apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq ffmpeg >/dev/null
command -v ffmpeg >/dev/null || { echo "Cannot install ffmpeg: apt-get failed; install it by hand" >&2; exit 1; }
