#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, combined broker+controller) for Eventline's tests and
# benchmarks, run straight from the Maven Central jars: Java 17+ and Maven, no Docker.
#
#   scripts/kafka/kafka.sh fetch [--force]        jars into the cache (reused when present)
#   scripts/kafka/kafka.sh start [--dir D] [--fresh] [--override key=value]...
#                                                 start in the background, wait until it answers,
#                                                 print KAFKA_BROKERS=127.0.0.1:<port> on stdout
#   scripts/kafka/kafka.sh stop [--dir D]         stop the broker this script started (pidfile)
#   scripts/kafka/kafka.sh status [--dir D]       exit 0 running+answering, 1 running but not answering, 3 stopped
#   scripts/kafka/kafka.sh run-class <Main> args  run a Kafka tool on the same classpath, e.g.
#                                                 org.apache.kafka.tools.TopicCommand --bootstrap-server ... --list
#   scripts/kafka/kafka.sh env                    print the resolved settings
#
# Environment: KAFKA_PORT (9092; the controller listens on KAFKA_PORT+1), KAFKA_DIR (run dir:
# config, pidfile, logs, data; default ${TMPDIR:-/tmp}/eventline-kafka-<port>), KAFKA_VERSION
# (default from pom.xml), EVENTLINE_CACHE (~/.cache/eventline), KAFKA_HEAP_OPTS
# ("-Xms512m -Xmx1g"), KAFKA_JVM_OPTS (extra JVM flags), KAFKA_START_TIMEOUT (seconds, 90).
#
# Safety: the only process this script ever signals is the one whose pid it wrote to
# <dir>/kafka.pid, and only while that pid's command line is still our `kafka.Kafka
# <dir>/server.properties` (a recycled pid is never touched).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/pom.xml"

pom_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1; }

KAFKA_VERSION="${KAFKA_VERSION:-$(pom_version)}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT=$((KAFKA_PORT + 1))
KAFKA_HOST=127.0.0.1
CACHE_DIR="${EVENTLINE_CACHE:-$HOME/.cache/eventline}/kafka-$KAFKA_VERSION"
LIB_DIR="$CACHE_DIR/lib"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

# set_dir [dir] [create]: resolve the run dir (absolute, so the pidfile check matches the cmdline).
set_dir() {
  RUN_DIR="${1:-${KAFKA_DIR:-${TMPDIR:-/tmp}/eventline-kafka-$KAFKA_PORT}}"
  [[ "${2:-}" == create ]] && mkdir -p "$RUN_DIR"
  if [[ -d "$RUN_DIR" ]]; then
    RUN_DIR="$(cd "$RUN_DIR" && pwd)"
  elif [[ "$RUN_DIR" != /* ]]; then
    RUN_DIR="$PWD/$RUN_DIR"
  fi
  PID_FILE="$RUN_DIR/kafka.pid"
  PROPS="$RUN_DIR/server.properties"
  DATA_DIR="$RUN_DIR/data"
  LOG_DIR="$RUN_DIR/logs"
}

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 17+; set JAVA_HOME)"
  local v
  v="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ "${v%%.*}" -ge 17 ]] 2>/dev/null || die "Kafka $KAFKA_VERSION needs Java 17+, found '$v' ($JAVA)"
}

# ---------------------------------------------------------------------------------------- fetch
cmd_fetch() {
  local force=0
  [[ "${1:-}" == "--force" ]] && force=1
  if [[ $force -eq 0 && -f "$LIB_DIR/.complete" ]]; then
    log "jars already in $LIB_DIR"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (Maven is needed once, to fetch the jars)"
  mkdir -p "$CACHE_DIR"
  local tmp="$CACHE_DIR/lib.tmp.$$"
  rm -rf "$tmp"
  log "fetching Apache Kafka $KAFKA_VERSION jars from Maven into $LIB_DIR"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >"$CACHE_DIR/fetch.log" 2>&1; then
    rm -rf "$tmp"
    tail -n 30 "$CACHE_DIR/fetch.log" >&2
    die "mvn dependency:copy-dependencies failed (full output: $CACHE_DIR/fetch.log)"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "no kafka_2.13-$KAFKA_VERSION.jar after fetch"
  touch "$tmp/.complete"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  log "$(find "$LIB_DIR" -name '*.jar' | wc -l | tr -d ' ') jars in $LIB_DIR"
}

ensure_jars() { [[ -f "$LIB_DIR/.complete" ]] || cmd_fetch; }

# ------------------------------------------------------------------------------------- process
# Prints the pid from the pidfile if that process is alive and is our broker; else nothing.
our_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid cmd
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  cmd="$(ps -ww -p "$pid" -o args= 2>/dev/null || true)"
  if [[ "$cmd" == *kafka.Kafka*"$PROPS"* ]]; then
    echo "$pid"
  fi
}

now_ms() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t="${EPOCHREALTIME/[.,]/}"
    echo $((10#$t / 1000))
  else
    echo $(($(date +%s) * 1000))
  fi
}

port_open() { (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null; }

probe() {
  if command -v node >/dev/null 2>&1; then
    node "$SCRIPT_DIR/probe.mjs" "$KAFKA_HOST:$KAFKA_PORT" 2000
  else
    run_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" --list >/dev/null
  fi
}

run_java() {
  local main="$1"
  shift
  # shellcheck disable=SC2086
  "$JAVA" -Xmx512m -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2-tools.properties" \
    -cp "$LIB_DIR/*" "$main" "$@"
}

# ---------------------------------------------------------------------------------------- start
write_props() {
  local overrides=("$@")
  cat >"$PROPS" <<EOF
# Written by scripts/kafka/kafka.sh start -- regenerated on every start, edit kafka.sh instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=1
# Single node: every internal topic has one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests: no 3 s wait before the first group rebalance, a fast log cleaner for compaction tests and
# retention checked every second (default 5 min) for retention tests.
group.initial.rebalance.delay.ms=0
log.cleaner.backoff.ms=1000
log.retention.check.interval.ms=1000
EOF
  local kv
  for kv in "${overrides[@]+"${overrides[@]}"}"; do
    [[ "$kv" == *=* ]] || die "--override expects key=value, got '$kv'"
    printf '%s\n' "$kv" >>"$PROPS"
  done
}

random_cluster_id() {
  # A Kafka Uuid is 16 random bytes, base64url without padding (what `StorageTool random-uuid` prints).
  # Like Kafka's Uuid.randomUuid, never one starting with '-': the format command would read it as
  # an option ("argument --cluster-id/-t: expected one argument"; about 1 start in 64).
  local id
  while id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; [[ "$id" == -* ]]; do :; done
  printf '%s' "$id"
}

cmd_start() {
  local fresh=0 dir="" overrides=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      --fresh) fresh=1; shift ;;
      --override) overrides+=("$2"); shift 2 ;;
      *) die "start: unknown argument '$1'" ;;
    esac
  done
  set_dir "$dir" create
  local t0
  t0="$(now_ms)"
  # Serialise concurrent `start`s of the same dir (e.g. two test runners).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$RUN_DIR/.lock"
    flock 9
  fi

  local pid
  pid="$(our_pid)"
  if [[ -n "$pid" ]]; then
    [[ $fresh -eq 0 ]] || die "broker already running (pid $pid); stop it before --fresh"
    if wait_ready "$pid"; then
      log "already running (pid $pid, $RUN_DIR)"
      echo "KAFKA_BROKERS=$KAFKA_HOST:$KAFKA_PORT"
      return 0
    fi
    die "broker pid $pid is running but does not answer; see $LOG_DIR/server.log"
  fi
  rm -f "$PID_FILE"
  for p in "$KAFKA_PORT" "$CONTROLLER_PORT"; do
    port_open "$p" && die "port $p is already in use by another process (not started by this script); set KAFKA_PORT"
  done

  check_java
  ensure_jars
  [[ $fresh -eq 1 ]] && rm -rf "$DATA_DIR" "$LOG_DIR"
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  write_props "${overrides[@]+"${overrides[@]}"}"

  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    local cid
    cid="$(random_cluster_id)"
    log "formatting $DATA_DIR (cluster id $cid)"
    run_java kafka.tools.StorageTool format -t "$cid" -c "$PROPS" >"$LOG_DIR/format.log" 2>&1 ||
      die "storage format failed: $(cat "$LOG_DIR/format.log")"
  fi

  # Launch detached (own session) so the broker outlives this shell; the launcher shell records
  # its own pid and then execs java, so the pidfile holds the JVM's pid.
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid) || launcher=(nohup)
  # shellcheck disable=SC2086
  "${launcher[@]}" sh -c 'echo $$ >"$1.new" && mv "$1.new" "$1" && shift && exec "$@"' sh "$PID_FILE" \
    "$JAVA" $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dkafka.logs.dir="$LOG_DIR" \
    -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2.properties" $KAFKA_JVM_OPTS \
    -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" >"$LOG_DIR/stdout.log" 2>&1 </dev/null 9>&- &

  local i
  for i in $(seq 1 100); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.05
  done
  pid="$(our_pid)"
  [[ -n "$pid" ]] || die "broker exited at once: $(tail -n 20 "$LOG_DIR/stdout.log" 2>/dev/null)"
  if ! wait_ready "$pid"; then
    log "broker did not become ready within ${KAFKA_START_TIMEOUT}s; last log lines:"
    tail -n 30 "$LOG_DIR/server.log" "$LOG_DIR/stdout.log" >&2 2>/dev/null || true
    stop_pid "$pid"
    exit 1
  fi
  log "started pid $pid in $(($(now_ms) - t0)) ms (dir $RUN_DIR, log $LOG_DIR/server.log)"
  echo "KAFKA_BROKERS=$KAFKA_HOST:$KAFKA_PORT"
}

# Wait until the broker answers a Metadata request (or its process dies, or the timeout passes).
wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || {
      log "broker process $pid exited; last log lines:"
      tail -n 30 "$LOG_DIR/server.log" "$LOG_DIR/stdout.log" >&2 2>/dev/null || true
      return 1
    }
    if port_open "$KAFKA_PORT" && probe >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# ----------------------------------------------------------------------------------------- stop
stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || true
  # Controlled shutdown of a combined node takes a few seconds.
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null && [[ "$(our_pid)" == "$pid" ]]; then
    log "pid $pid still alive after 30s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if kill -0 "$pid" 2>/dev/null; then
    die "pid $pid did not exit"
  fi
  rm -f "$PID_FILE"
}

cmd_stop() {
  local dir=""
  [[ "${1:-}" == "--dir" ]] && dir="$2"
  set_dir "$dir"
  local pid
  pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    [[ -f "$PID_FILE" ]] && {
      log "stale pidfile (process gone or not ours), removing it"
      rm -f "$PID_FILE"
    }
    log "not running ($RUN_DIR)"
    return 0
  fi
  local t0
  t0="$(now_ms)"
  stop_pid "$pid"
  log "stopped pid $pid in $(($(now_ms) - t0)) ms"
}

cmd_status() {
  local dir=""
  [[ "${1:-}" == "--dir" ]] && dir="$2"
  set_dir "$dir"
  local pid
  pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    echo "stopped ($RUN_DIR)"
    return 3
  fi
  local answer
  if answer="$(probe 2>&1)"; then
    echo "running pid $pid, KAFKA_BROKERS=$KAFKA_HOST:$KAFKA_PORT, $answer"
    return 0
  fi
  echo "running pid $pid but not answering: $answer"
  return 1
}

cmd_env() {
  set_dir ""
  cat <<EOF
KAFKA_VERSION=$KAFKA_VERSION
KAFKA_PORT=$KAFKA_PORT
CONTROLLER_PORT=$CONTROLLER_PORT
KAFKA_DIR=$RUN_DIR
LIB_DIR=$LIB_DIR
JAVA=$JAVA
EOF
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  fetch) cmd_fetch "$@" ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  status) cmd_status "$@" ;;
  run-class)
    [[ $# -ge 1 ]] || die "run-class <main class> [args...]"
    check_java
    ensure_jars
    run_java "$@"
    ;;
  env) cmd_env ;;
  *)
    sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
