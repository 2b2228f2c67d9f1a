#!/usr/bin/env bash
# Builds the benchmarks jar, runs every measure (JMH and the load harness) side by side with
# Spring Security's stock stack, and writes benchmarks/RESULTS.md. About 14 minutes on 2 cores.
#
#   benchmarks/run.sh                      # everything
#   JMH_FORKS=3 JMH_ACQUISITION_FORKS=3 benchmarks/run.sh   # more forks, longer
#
# Nothing here runs during ./mvnw verify: the reactor only compiles this module.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=benchmarks/target/results
JAR=benchmarks/target/benchmarks.jar
# ten half-second iterations rather than five of a second: the median resists bursts of other work
JMH_OPTS=${JMH_OPTS:-"-wi 3 -w 1s -i 10 -r 500ms"}
JMH_FORKS=${JMH_FORKS:-1}
# measure 1 in two forks: the JIT's choices differ between forks, and one fork hides that
JMH_ACQUISITION_FORKS=${JMH_ACQUISITION_FORKS:-2}
START=$(date +%s)

rm -rf "$OUT"
mkdir -p "$OUT"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "nproc: $(nproc)"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  echo "memory: $(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "jdk: $(java -version 2>&1 | sed -n 2p)"
  echo "os: $( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -s), kernel $(uname -r)"
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$OUT/machine.txt"

log() { echo "$@" | tee -a "$OUT/commands.txt"; }

log "./mvnw -B -q -pl benchmarks -am -DskipTests -DskipBenchmarksJar=false package"
./mvnw -B -q -pl benchmarks -am -DskipTests -DskipBenchmarksJar=false package

# jmh NAME FORKS ARGS...: one JMH run, its JSON and its machine load kept for the report
jmh() {
  local name=$1
  local forks=$2
  shift 2
  cut -d' ' -f1-3 /proc/loadavg > "$OUT/load-$name.before"
  log "java -jar $JAR $(printf '%q ' "$@")-f $forks $JMH_OPTS -rf json -rff $OUT/jmh-$name.json"
  # shellcheck disable=SC2086
  java -jar "$JAR" "$@" -f "$forks" $JMH_OPTS -rf json -rff "$OUT/jmh-$name.json" > "$OUT/jmh-$name.log" 2>&1 \
    || { tail -40 "$OUT/jmh-$name.log"; exit 1; }
  sed -n '/^Benchmark /,$p' "$OUT/jmh-$name.log"
  cut -d' ' -f1-3 /proc/loadavg > "$OUT/load-$name.after"
}

# harness CLASS [JVM OPTIONS...]: one load-harness main
harness() {
  local main=dev.tokenkeeper.benchmarks.load.$1
  shift
  log "java $* -cp $JAR $main $OUT"
  java "$@" -cp "$JAR" "$main" "$OUT" 2>"$OUT/$(basename "$main").err" \
    || { tail -40 "$OUT/$(basename "$main").err"; exit 1; }
}

# -prof gc adds the bytes each call allocates
# anchored: FleetTokenAcquisitionBenchmark would match too
jmh acquisition-1t "$JMH_ACQUISITION_FORKS" 'jmh\.TokenAcquisitionBenchmark\.' -t 1 -prof gc
jmh acquisition-2t "$JMH_ACQUISITION_FORKS" 'TokenAcquisitionBenchmark\.(tokenKeeperManager|stockManager|tokenKeeperCache|prebuiltMono)$' -t 2
jmh registrations "$JMH_FORKS" RegistrationCountBenchmark -t 1
jmh filter "$JMH_FORKS" FilterOverheadBenchmark -t 1
# measure 7 (issue 15): DPoP per algorithm; wall time (JMH) and this thread's CPU time (DpopCost)
jmh dpop "$JMH_FORKS" DpopProofBenchmark -t 1
harness DpopCost
# measure 8 (issue 14): a cached token in fleet mode against memory mode; 16 instances on one redis-server
jmh fleet-acquisition "$JMH_FORKS" FleetTokenAcquisitionBenchmark -t 1
harness FleetScale
harness Throughput
harness ConcurrentFirstCalls
harness SimulatedHour
harness UnauthorizedStorm
# a serial collector's full GC leaves exactly the live heap, so before/after differences are exact
harness HeapPerToken -XX:+UseSerialGC -Xms1g -Xmx1g

echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
ELAPSED=$(( $(date +%s) - START ))
java -cp "$JAR" dev.tokenkeeper.benchmarks.report.ResultsReport "$OUT" benchmarks/RESULTS.md "$ELAPSED" \
  "-f $JMH_FORKS $JMH_OPTS; measure 1: -f $JMH_ACQUISITION_FORKS"
echo "Wrote benchmarks/RESULTS.md in ${ELAPSED} s"
# The sections per issue (fleet at scale, DPoP, the hot path after hardening) are written by hand
# from these files; ResultsReport keeps them as they were, so compare and update them.
echo "Issue sections: $OUT/fleet-scale.json, jmh-fleet-acquisition.json, jmh-dpop.json, dpop-cost.json," \
  "throughput.json (tokenkeeper-dpop), jmh-acquisition-1t.json"
for f in "$OUT/fleet-scale.json" "$OUT/dpop-cost.json"; do sed -n '1,200p' "$f"; done
