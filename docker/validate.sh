#!/usr/bin/env bash
# Checks docker/ and grafana/ as far as a machine without a Docker engine can:
#
#   1. compose.yml parses as YAML and passes `docker compose config` (Compose v2) or
#      `docker-compose config` (Compose v1, on a copy without the v2-only top-level
#      `name:`); its structure (services, health-gated depends_on, ports, ids) is right
#   2. docker/Dockerfile: stages, non-root user, HEALTHCHECK, ENTRYPOINT/CMD; every COPY
#      source and every bind mount / build context in compose.yml exists (or is a build
#      output the Dockerfile declares)
#   3. every dashboard panel has datasource uid "prometheus" and an expr that names only
#      metrics from docs/METRICS.md; the JSON and the expression list in
#      grafana/README.md match grafana/generate.py
#   4. promtool: `check config` on docker/prometheus/prometheus.yml, and every dashboard
#      expr parses (written as recording rules, `promtool check rules`)
#   5. live: if a `prometheus` binary is installed, every dashboard expr is evaluated
#      against a real Prometheus scraping two fake app instances; none may error or come
#      back empty (SKIP_LIVE=1 skips this step, ~30 s)
#
# A missing optional tool (compose, promtool, prometheus) is reported as SKIPPED, not as a
# pass. Exit status: 0 when every step that ran passed.
#
#   bash docker/validate.sh
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
skipped=()
step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*"; failed=1; }
skip() { echo "SKIPPED: $*"; skipped+=("$*"); }

# A python3 with PyYAML: the one on PATH, else Debian's (python3-yaml).
PY=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
    PY=$candidate
    break
  fi
done
if [ -z "$PY" ]; then
  echo "validate: needs python3 with PyYAML (apt-get install python3-yaml)" >&2
  exit 2
fi
CHECKS=(env PYTHONDONTWRITEBYTECODE=1 "$PY" docker/validation/checks.py)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" docker/.compose.v1.validate.yml' EXIT

step "1. compose.yml"
if "$PY" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' docker/compose.yml; then
  echo "ok: docker/compose.yml is valid YAML"
else
  fail "docker/compose.yml is not valid YAML"
fi
if docker compose version >/dev/null 2>&1; then
  if docker compose -f docker/compose.yml config --quiet; then
    echo "ok: docker compose config ($(docker compose version --short))"
  else
    fail "docker compose config"
  fi
elif command -v docker-compose >/dev/null 2>&1; then
  # Compose v1 rejects the top-level `name:` (v2 only); validate everything else.
  "$PY" - docker/compose.yml "$tmp/compose.v1.yml" <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
doc.pop("name", None)
yaml.safe_dump(doc, open(sys.argv[2], "w"), sort_keys=False)
EOF
  # Relative paths in the copy must resolve as they do from docker/.
  cp "$tmp/compose.v1.yml" docker/.compose.v1.validate.yml
  if docker-compose -f docker/.compose.v1.validate.yml config --quiet; then
    echo "ok: docker-compose config ($(docker-compose version --short), v1; top-level 'name' not checked)"
  else
    fail "docker-compose config"
  fi
  rm -f docker/.compose.v1.validate.yml
else
  skip "compose config: neither 'docker compose' (v2) nor 'docker-compose' (v1) is installed"
fi
"${CHECKS[@]}" compose || failed=1

step "2. Dockerfile and paths"
"${CHECKS[@]}" dockerfile || failed=1
"${CHECKS[@]}" paths || failed=1

step "3. dashboards"
"${CHECKS[@]}" dashboards || failed=1
if PYTHONDONTWRITEBYTECODE=1 "$PY" grafana/generate.py --check; then
  echo "ok: grafana/dashboards/*.json match grafana/generate.py"
else
  fail "dashboards differ from grafana/generate.py"
fi
# The expression list at the end of grafana/README.md is generated too.
if PYTHONDONTWRITEBYTECODE=1 "$PY" grafana/generate.py --markdown > "$tmp/exprs.md" \
    && [ "$(tail -n "$(wc -l < "$tmp/exprs.md")" grafana/README.md)" = "$(cat "$tmp/exprs.md")" ]; then
  echo "ok: the expression list in grafana/README.md is current"
else
  fail "grafana/README.md expression list is stale (python3 grafana/generate.py --markdown)"
fi

step "4. promtool"
if command -v promtool >/dev/null 2>&1; then
  echo "promtool: $(promtool --version 2>&1 | head -1)"
  promtool check config docker/prometheus/prometheus.yml || fail "promtool check config"
  "${CHECKS[@]}" rules "$tmp/dashboard-rules.yml" || failed=1
  promtool check rules "$tmp/dashboard-rules.yml" || fail "a dashboard expr does not parse"
else
  skip "promtool not installed (Debian: apt-get install prometheus)"
fi

step "5. live evaluation against Prometheus"
if [ "${SKIP_LIVE:-0}" = "1" ]; then
  skip "live evaluation (SKIP_LIVE=1)"
elif command -v prometheus >/dev/null 2>&1; then
  PYTHONDONTWRITEBYTECODE=1 "$PY" docker/validation/live.py --prometheus "$(command -v prometheus)" \
    || fail "a dashboard expr errors or is empty against Prometheus"
else
  skip "live evaluation: no prometheus binary (Debian: apt-get install prometheus)"
fi

echo
if [ ${#skipped[@]} -gt 0 ]; then
  echo "skipped: ${#skipped[@]} step(s):"
  printf '  - %s\n' "${skipped[@]}"
fi
if [ "$failed" -ne 0 ]; then
  echo "validate: FAILED"
  exit 1
fi
echo "validate: all checks that ran passed"
