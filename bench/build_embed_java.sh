#!/usr/bin/env bash
# Kept for older callers: the benchmarks have one build, bench/build_java.sh (the `bench` Maven
# module), which also writes bench/target/embed-classpath.txt.
set -euo pipefail
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/build_java.sh" "$@"
