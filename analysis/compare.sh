#!/usr/bin/env bash
# analysis/compare.sh BASELINE MANAGED [--out DIR] [--sweep DIR] [--slo ttft:MS,tpot:MS,e2el:MS]
#                     [--goodput-target 0.9] [--seed N] [--bootstrap N] [--max-failure-rate F]
#                     [--baseline-label NAME] [--managed-label NAME]
#
# Compares two arms of bench runs (each a result JSON or a directory of repetitions) and writes
# comparison.json, report.md, report.html and charts/*.png; prints the side-by-side table.
# Exit status: 0 valid comparison, 3 written but invalid, 2 usage error (including runs of
# different workloads), 1 any other failure. Run with --help for every option; docs/report.md
# explains the report.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/analysis/target/analysis.jar"

command -v java >/dev/null 2>&1 || { echo "compare.sh: java (17 or newer) is not on the PATH" >&2; exit 1; }

# Build when the jar is missing or older than the module's sources (a pulled change).
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/analysis/src/main" "$ROOT/analysis/pom.xml" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
  echo "compare.sh: building analysis/target/analysis.jar (./mvnw -pl analysis -am package)" >&2
  (cd "$ROOT" && ./mvnw -B -q -pl analysis -am package -DskipTests) >&2 \
    || { echo "compare.sh: the build failed (run: cd $ROOT && ./mvnw -B -pl analysis -am package -DskipTests)" >&2; exit 1; }
fi

exec java -Djava.awt.headless=true ${JAVA_OPTS:-} -jar "$JAR" "$@"
