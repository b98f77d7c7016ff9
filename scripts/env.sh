# Sourced by ./lakebeam and .ci/run: finds JDK 25 and defines the JVM flags Lakebeam needs.
# shellcheck shell=bash

lakebeam_find_jdk() {
  local candidates=()
  [ -n "${LAKEBEAM_JAVA_HOME:-}" ] && candidates+=("$LAKEBEAM_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64)
  local d
  for d in /usr/lib/jvm/*25* /opt/java/*25* "$HOME"/.sdkman/candidates/java/25*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ]; then
      local v
      v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
      if [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
        echo "$d"
        return 0
      fi
    fi
  done
  return 1
}

if ! LAKEBEAM_JDK=$(lakebeam_find_jdk); then
  echo "error: Lakebeam needs JDK 25 (Temurin 25 recommended): jVector's SIMD search and Arrow Flight are set up for it." >&2
  echo "       Install it (e.g. the temurin-25-jdk package) or point LAKEBEAM_JAVA_HOME at a JDK 25 home." >&2
  exit 1
fi
export JAVA_HOME="$LAKEBEAM_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Arrow needs java.nio open, jVector the incubating Vector API.
LAKEBEAM_JVM_FLAGS=(--add-modules=jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -Xss16m)
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
if ! command -v mvn >/dev/null 2>&1; then
  echo "error: Lakebeam builds with Maven, which is not on PATH; install it (e.g. apt-get install maven)." >&2
  exit 1
fi
