#!/usr/bin/env bash
# Starts a local single-node Kafka 4.x (KRaft, combined broker+controller) in the foreground, built from
# Maven Central jars (tools/kafka/pom.xml), for trying the gateway's Kafka northbound and for benchmarks.
# Listens on loopback only. Stop it with Ctrl-C (or SIGTERM); the data folder is kept for the next start.
#
#   scripts/local-kafka.sh
#
# Environment (all optional):
#   KAFKA_PORT             client listener port                     (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener port           (default KAFKA_PORT+1)
#   KAFKA_DATA_DIR         config, storage and logs; formatted once (default /tmp/lwm2m-kafka)
#   KAFKA_HEAP_OPTS        JVM heap flags                           (default -Xms256m -Xmx512m)
#   KAFKA_LOG_LEVEL        root log level of the broker             (default WARN)
#   KAFKA_OPTS             extra JVM flags
#   JAVA_HOME              JDK 17+ to use; otherwise `java` from PATH
#
# The resolved classpath is cached in tools/kafka/target/classpath.txt (re-resolved when the pom changes);
# it also holds Kafka's CLI tools, e.g.
#   java -cp "$(cat tools/kafka/target/classpath.txt)" org.apache.kafka.tools.TopicCommand --bootstrap-server localhost:9092 --list
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pom="$repo/tools/kafka/pom.xml"
cp_file="$repo/tools/kafka/target/classpath.txt"

port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-$((port + 1))}
data_dir=${KAFKA_DATA_DIR:-/tmp/lwm2m-kafka}
heap_opts=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
log_level=${KAFKA_LOG_LEVEL:-WARN}

die() { echo "local-kafka: $*" >&2; exit 1; }

if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=$(command -v java || true); fi
[ -n "$java" ] && [ -x "$java" ] || die "no java found (install a JDK 17+ or set JAVA_HOME)"
java_major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9.]*\).*/\1/p')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Kafka 4.x needs Java 17+, $java is ${java_major:-unknown}"

[ "$port" != "$controller_port" ] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
for p in "$port" "$controller_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    die "port $p on 127.0.0.1 is already in use (another broker running? set KAFKA_PORT/KAFKA_CONTROLLER_PORT)"
  fi
done

# 1. Classpath: resolved once with the repo's Maven wrapper, then read from the cache.
cache_ok=false
if [ -s "$cp_file" ] && [ "$cp_file" -nt "$pom" ]; then
  cache_ok=true
  IFS=: read -r -a jars < "$cp_file" || true   # the file has no trailing newline: read returns 1 at EOF
  for jar in "${jars[@]}"; do [ -f "$jar" ] || { cache_ok=false; break; }; done
fi
if [ "$cache_ok" != true ]; then
  echo "local-kafka: resolving Kafka jars from Maven Central (first run only)..." >&2
  mkdir -p "$(dirname "$cp_file")"
  (cd "$repo" && ./mvnw -B -q -f tools/kafka/pom.xml dependency:build-classpath -Dmdep.outputFile="$cp_file.tmp")
  mv "$cp_file.tmp" "$cp_file"
fi
classpath=$(cat "$cp_file")

# 2. Configuration, rewritten on every start so port and level changes take effect.
mkdir -p "$data_dir/logs"
cat > "$data_dir/server.properties" <<EOF
# Written by scripts/local-kafka.sh; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://localhost:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$data_dir/logs
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
cat > "$data_dir/log4j2.properties" <<EOF
# Written by scripts/local-kafka.sh; edits are overwritten on the next start.
status = error
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $log_level
rootLogger.appenderRef.stdout.ref = STDOUT
# keeps the one "Kafka Server started" line that tells the broker is ready
logger.raftserver.name = kafka.server.KafkaRaftServer
logger.raftserver.level = INFO
EOF

jvm_opts=($heap_opts -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$data_dir/log4j2.properties" ${KAFKA_OPTS:-})

# 3. Format the storage once, with a random cluster id.
if [ ! -f "$data_dir/logs/meta.properties" ]; then
  cluster_id=$("$java" -cp "$classpath" "${jvm_opts[@]}" kafka.tools.StorageTool random-uuid)
  "$java" -cp "$classpath" "${jvm_opts[@]}" kafka.tools.StorageTool format --ignore-formatted \
    -t "$cluster_id" -c "$data_dir/server.properties" >&2
fi

# 4. Run the broker in the foreground (exec: Ctrl-C / SIGTERM reach the JVM, which shuts down cleanly).
echo "local-kafka: Kafka on localhost:$port (controller $controller_port, data $data_dir); point the gateway at it with:"
echo "KAFKA_BOOTSTRAP_SERVERS=localhost:$port"
exec "$java" -cp "$classpath" "${jvm_opts[@]}" kafka.Kafka "$data_dir/server.properties"
