#!/usr/bin/env bash
# Start to ready and idle RSS of the packaged gateway in three forms, against an external MQTT broker
# (mosquitto on loopback), Kafka off:
#   jdk17      the fast-jar (./mvnw package) on JDK 17
#   jdk25      the same fast-jar on JDK 25, no cache
#   aot-build  the aot-jar on JDK 25 with the AOT cache Quarkus writes at package time
#              (quarkus.package.jar.aot.enabled=true, .type=aot, .phase=build: a start that exits early)
#   aot-run    the same aot-jar with a cache trained on one full start (MQTT connected, CoAP bound, ready),
#              stopped with SIGTERM, as src/main/docker/Dockerfile.jvm trains it
# Every cache is used with -XX:AOTCache=app.aot (JEP 483/514/515).
# "Ready" is the first 200 from /q/health/ready, timed from the launch of the process (so JVM start-up
# counts); "CPU" is the process's user+system CPU time at that moment, which other load on the machine
# barely changes (wall time does). RSS is VmRSS 10 s after ready, with its file-backed part (the mapped
# AOT cache, shareable between processes) in brackets. Builds both packagings itself (target/ ends with
# the fast-jar).
#
# Needs mosquitto (apt-get install -y mosquitto), curl, a JDK 17 and a JDK 25.
# Usage: scripts/measure-startup.sh [runs]            (default 5 runs of each)
#        JDK17_HOME=... JDK25_HOME=... scripts/measure-startup.sh
#        JVM_OPTS="-XX:+UseSerialGC -XX:MaxRAM=512m -XX:MaxRAMPercentage=50" scripts/measure-startup.sh
#          (JVM options for every run and the training run: here, what a pod of deploy/k8s with a 512Mi limit
#          and the JVM image's collector gets)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-5}
JDK17=${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25_HOME:-$(ls -d /usr/lib/jvm/temurin-25-jdk* 2>/dev/null | head -1)}
MQTT_PORT=${MQTT_PORT:-11883}
HTTP_PORT=${HTTP_PORT:-18080}
COAP_PORT=${COAP_PORT:-15683}
JVM_OPTS=${JVM_OPTS:-}
for tool in mosquitto curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y $tool)" >&2; exit 1; }
done
[ -x "$JDK17/bin/java" ] || { echo "no JDK 17 at $JDK17 (set JDK17_HOME)" >&2; exit 1; }
[ -x "$JDK25/bin/java" ] || { echo "no JDK 25 at $JDK25 (set JDK25_HOME)" >&2; exit 1; }

work=$(mktemp -d /tmp/lwm2m-measure.XXXXXX)
broker=""
cleanup() {
  [ -n "$broker" ] && kill "$broker" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "building the aot-jar and its cache with $("$JDK25/bin/java" -version 2>&1 | head -1)" >&2
JAVA_HOME=$JDK25 ./mvnw -B -ntp -q package -DskipTests -Dquarkus.package.jar.aot.enabled=true \
  -Dquarkus.package.jar.aot.type=aot -Dquarkus.package.jar.aot.phase=build >"$work/build-aot.log" 2>&1 \
  || { cat "$work/build-aot.log" >&2; exit 1; }
cp -r target/quarkus-app "$work/aot"
cp -r target/quarkus-app "$work/aot-run"
rm -f "$work/aot-run/app.aot"
echo "building the fast-jar with $("$JDK17/bin/java" -version 2>&1 | head -1)" >&2
JAVA_HOME=$JDK17 ./mvnw -B -ntp -q package -DskipTests >"$work/build-jar.log" 2>&1 \
  || { cat "$work/build-jar.log" >&2; exit 1; }
cp -r target/quarkus-app "$work/jar"

mosquitto -p "$MQTT_PORT" >"$work/mosquitto.log" 2>&1 &
broker=$!

TICK=$(getconf CLK_TCK)
# one run: prints "<ms to ready> <idle RSS in MB> <CPU ms to ready> <file-backed RSS in MB>"
measure() { # $1 java, $2 app dir, $3... extra JVM options
  local java=$1 dir=$2; shift 2
  local log="$work/run.log" start now code pid rss cpu file
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  (cd "$dir" && exec "$java" $JVM_OPTS "$@" -Dgateway.mqtt.host=127.0.0.1 -Dgateway.mqtt.port="$MQTT_PORT" \
      -Dquarkus.http.port="$HTTP_PORT" -Dgateway.lwm2m.port="$COAP_PORT" \
      -Dgateway.commands.store-directory="$work/store" -Dgateway.lwm2m.state-directory="$work/state" -jar quarkus-run.jar >"$log" 2>&1) &
  pid=$!
  code=000
  for _ in $(seq 1 1500); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/q/health/ready" || true)
    [ "$code" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  now=$(date +%s%N)
  cpu=$(awk -v t="$TICK" '{print int(($14 + $15) * 1000 / t)}' "/proc/$pid/stat" 2>/dev/null || echo 0)
  if [ "$code" != 200 ]; then
    echo "gateway did not become ready:" >&2; cat "$log" >&2; kill -9 "$pid" 2>/dev/null; exit 1
  fi
  sleep 10
  rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  file=$(awk '/RssFile/ {print int($2/1024)}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (now - start) / 1000000 )) $rss $cpu $file"
}

summary() { # $1 label, rest: "ms rss cpu file" lines on stdin
  sort -n | awk -v label="$1" '{ms[NR]=$1; r=r sprintf("%s%d", NR>1?", ":"", $1); c=c sprintf("%s%d", NR>1?", ":"", $3)
      if (NR==1 || $2<lo) lo=$2; if (NR==1 || $2>hi) hi=$2; if (NR==1 || $4<flo) flo=$4; if (NR==1 || $4>fhi) fhi=$4}
    END { printf "%-10s ready (ms): %s | median %d | CPU to ready (ms): %s | idle RSS %d-%d MiB (file-backed %d-%d)\n",
          label, r, ms[int((NR+1)/2)], c, lo, hi, flo, fhi }'
}

# training run for aot-run: one full start against the broker, then SIGTERM; the JVM writes the cache at exit
echo "training the AOT cache on one full start" >&2
# shellcheck disable=SC2086
(cd "$work/aot-run" && exec "$JDK25/bin/java" $JVM_OPTS -XX:AOTCacheOutput=app.aot -Dgateway.mqtt.host=127.0.0.1 \
    -Dgateway.mqtt.port="$MQTT_PORT" -Dquarkus.http.port="$HTTP_PORT" -Dgateway.lwm2m.port="$COAP_PORT" \
    -Dgateway.commands.store-directory="$work/store" -Dgateway.lwm2m.state-directory="$work/state" -jar quarkus-run.jar >"$work/train.log" 2>&1) &
trainer=$!
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/q/health/ready" || true)" = 200 ] && break
  sleep 0.1
done
sleep 2
kill -TERM "$trainer"; wait "$trainer" || true
[ -s "$work/aot-run/app.aot" ] || { echo "training wrote no cache:" >&2; cat "$work/train.log" >&2; exit 1; }

echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each, JVM options: ${JVM_OPTS:-none}, external MQTT (mosquitto), Kafka off; $(date -u +%Y-%m-%dT%H:%MZ)"
for config in jdk17 jdk25 aot-build aot-run; do
  for _ in $(seq 1 "$RUNS"); do
    case $config in
      jdk17) measure "$JDK17/bin/java" "$work/jar" ;;
      jdk25) measure "$JDK25/bin/java" "$work/jar" ;;
      aot-build) measure "$JDK25/bin/java" "$work/aot" -XX:AOTCache=app.aot ;;
      aot-run) measure "$JDK25/bin/java" "$work/aot-run" -XX:AOTCache=app.aot ;;
    esac
  done | summary "$config"
done
