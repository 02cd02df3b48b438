#!/usr/bin/env python3
"""Static checks of docker/ and grafana/ that need no Docker engine (see docker/validate.sh).

Subcommands (each prints what it checked and exits 1 on any problem):
  compose     structure of docker/compose.yml (services, health-gated depends_on, ports)
  dockerfile  stages, non-root runtime user, HEALTHCHECK, ENTRYPOINT/CMD of the images
  paths       every COPY source in docker/Dockerfile and every bind mount / build context
              in docker/compose.yml exists in the repo, or is a declared build output
  dashboards  every panel in grafana/dashboards/*.json: datasource uid "prometheus",
              targets with a non-empty expr, no Grafana variables, metric names from
              docs/METRICS.md; provisioning files point where compose mounts them
  rules FILE  writes every dashboard expr as a recording rule (for `promtool check rules`)
  exprs FILE  writes "dashboard<TAB>panel<TAB>expr" lines (for live.py and the report)
"""
import json
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
COMPOSE = DOCKER / "compose.yml"
DOCKERFILE = DOCKER / "Dockerfile"
DASHBOARDS = REPO / "grafana" / "dashboards"
PROVISIONING = REPO / "grafana" / "provisioning"
METRICS_MD = REPO / "docs" / "METRICS.md"

EXPECTED_SERVICES = {"kafka", "streams-app-1", "streams-app-2", "trainer", "simulator",
                     "prometheus", "grafana"}
# PromQL words that look like metric names but are functions, keywords or label names.
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
    "count_values", "group", "by", "without", "on", "ignoring", "group_left", "group_right",
    "and", "or", "unless", "offset", "bool", "rate", "irate", "increase", "delta", "idelta",
    "histogram_quantile", "vector", "scalar", "label_replace", "label_join", "abs", "clamp",
    "clamp_min", "clamp_max", "time", "timestamp", "absent", "absent_over_time",
    "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "count_over_time",
    "le", "inf", "nan",
}
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum", "_max")


class Problems:
    def __init__(self, what):
        self.what, self.items, self.checked = what, [], 0

    def add(self, msg):
        self.items.append(msg)

    def ok(self, n=1):
        self.checked += n

    def finish(self):
        for item in self.items:
            print(f"  FAIL {item}")
        status = "FAIL" if self.items else "ok"
        print(f"{self.what}: {status} ({self.checked} checks, {len(self.items)} problems)")
        return 1 if self.items else 0


def load_compose():
    with COMPOSE.open() as f:
        return yaml.safe_load(f)


# --------------------------------------------------------------------------------------
def check_compose():
    p = Problems("compose structure")
    doc = load_compose()
    services = doc.get("services", {})
    missing = EXPECTED_SERVICES - services.keys()
    if missing:
        p.add(f"compose.yml lacks services {sorted(missing)}")
    p.ok()
    host_ports = {}
    for name, svc in services.items():
        if "image" not in svc and "build" not in svc:
            p.add(f"service {name}: neither image nor build")
        p.ok()
        for port in svc.get("ports", []):
            host = str(port).split(":")[0]
            if host in host_ports:
                p.add(f"host port {host} used by {host_ports[host]} and {name}")
            host_ports[host] = name
            p.ok()
        deps = svc.get("depends_on", {})
        if isinstance(deps, list):
            p.add(f"service {name}: depends_on is a list (no health condition)")
            deps = {}
        for dep, cond in deps.items():
            if dep not in services:
                p.add(f"service {name}: depends_on unknown service {dep}")
                continue
            condition = (cond or {}).get("condition")
            if condition != "service_healthy":
                p.add(f"service {name}: depends_on {dep} with condition {condition!r}")
            dep_svc = services[dep]
            has_check = "healthcheck" in dep_svc and not dep_svc["healthcheck"].get("disable")
            if not has_check:
                p.add(f"service {name}: waits for {dep} to be healthy, but {dep} has no healthcheck")
            p.ok()
    expected_ports = {"8081": "streams-app-1", "8082": "streams-app-2",
                      "9090": "prometheus", "3000": "grafana"}
    for port, svc in expected_ports.items():
        if host_ports.get(port) != svc:
            p.add(f"host port {port} should map to {svc}, maps to {host_ports.get(port)}")
        p.ok()
    # Both app instances: one application id, distinct application.server.
    envs = [services.get(s, {}).get("environment", {}) for s in ("streams-app-1", "streams-app-2")]
    ids = {e.get("KAFKA_STREAMS_DEFAULT_APPLICATION_ID") for e in envs}
    servers = [e.get("KAFKA_STREAMS_DEFAULT_APPLICATION_SERVER") for e in envs]
    if len(ids) != 1 or None in ids:
        p.add(f"streams-app instances must share one application id, have {ids}")
    if len(set(servers)) != 2 or None in servers:
        p.add(f"streams-app instances need distinct application servers, have {servers}")
    p.ok(2)
    for s in ("streams-app-1", "streams-app-2", "trainer"):
        mounts = [str(v) for v in services.get(s, {}).get("volumes", [])]
        if not any(m.startswith("models:/models") for m in mounts):
            p.add(f"service {s} does not mount the shared models volume at /models")
        p.ok()
    sim = services.get("simulator", {}).get("command", [])
    if sim[:1] != ["simulate"] or "kafka:9092" not in sim:
        p.add(f"simulator command should be simulate --bootstrap-servers kafka:9092, is {sim}")
    p.ok()
    kafka_image = services.get("kafka", {}).get("image")
    if kafka_image != "apache/kafka:4.2.0":
        p.add(f"kafka image is {kafka_image}, expected apache/kafka:4.2.0")
    p.ok()
    return p.finish()


# --------------------------------------------------------------------------------------
def stage_blocks(text):
    """{stage name: text of its instructions} for a multi-stage Dockerfile."""
    blocks, name, lines = {}, None, []
    for line in text.splitlines():
        m = re.match(r"^FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.I)
        if m:
            if name:
                blocks[name] = "\n".join(lines)
            name, lines = m.group(1) or f"stage{len(blocks)}", [line]
        elif name:
            lines.append(line)
    if name:
        blocks[name] = "\n".join(lines)
    return blocks


def check_dockerfile():
    p = Problems("dockerfile")
    text = DOCKERFILE.read_text()
    if not text.startswith("# syntax=docker/dockerfile:1"):
        p.add("first line should be '# syntax=docker/dockerfile:1.x' (RUN --mount needs it)")
    blocks = stage_blocks(text)
    for stage in ("build", "runtime-base", "streams-app", "trainer"):
        if stage not in blocks:
            p.add(f"no stage '{stage}'")
        p.ok()
    if not re.search(r"^FROM\s+\$\{JDK_IMAGE\}\s+AS\s+build", text, re.M) or \
            "ARG JDK_IMAGE=eclipse-temurin:25-jdk" not in text:
        p.add("build stage should be FROM eclipse-temurin:25-jdk (ARG JDK_IMAGE)")
    if "ARG JRE_IMAGE=eclipse-temurin:25-jre" not in text:
        p.add("runtime stage should be based on eclipse-temurin:25-jre (ARG JRE_IMAGE)")
    if "./mvnw -B -q install -DskipTests" not in blocks.get("build", ""):
        p.add("build stage does not run ./mvnw -B -q install -DskipTests")
    p.ok(3)
    expected = {
        "streams-app": ('ENTRYPOINT ["java","--enable-native-access=ALL-UNNAMED","-jar",'
                        '"/app/streamrec.jar"]', 'CMD ["serve"]'),
        "trainer": ('ENTRYPOINT ["java","--enable-native-access=ALL-UNNAMED","-jar",'
                    '"/app/streamrec.jar","trainer"]', 'CMD ["serve",'),
    }
    for stage, (entrypoint, cmd) in expected.items():
        block = blocks.get(stage, "")
        lines = [l.strip() for l in block.splitlines()]
        if entrypoint not in lines:
            p.add(f"stage {stage}: expected {entrypoint}")
        if not any(l.startswith(cmd) for l in lines):
            p.add(f"stage {stage}: expected a line starting {cmd}")
        users = re.findall(r"^USER\s+(\S+)", block, re.M)
        if not users or users[-1].split(":")[0] in ("root", "0"):
            p.add(f"stage {stage}: must switch to a non-root USER")
        p.ok(3)
    app = blocks.get("streams-app", "")
    if not re.search(r"HEALTHCHECK\b.*\n?.*curl[^\n]*/health/readiness", app):
        p.add("stage streams-app: HEALTHCHECK with curl on /health/readiness missing")
    if "curl" not in blocks.get("runtime-base", ""):
        p.add("stage runtime-base: curl (for the HEALTHCHECK) is not installed")
    p.ok(2)
    return p.finish()


def dockerfile_build_outputs(text):
    """Paths listed in the Dockerfile's 'Build outputs' comment block."""
    outputs, in_block = set(), False
    for line in text.splitlines():
        if line.startswith("# Build outputs"):
            in_block = True
            continue
        if in_block:
            if not line.startswith("#   "):
                break
            outputs.update(line[1:].split())
    return outputs


def check_paths():
    p = Problems("paths")
    text = DOCKERFILE.read_text()
    outputs = dockerfile_build_outputs(text)
    if not outputs:
        p.add("docker/Dockerfile: no '# Build outputs' comment block listing build outputs")
    stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, re.M | re.I))
    ignore_file = DOCKER / "Dockerfile.dockerignore"
    if not ignore_file.exists():
        p.add("docker/Dockerfile.dockerignore missing")
    ignored = {l.strip().rstrip("/") for l in ignore_file.read_text().splitlines()
               if l.strip() and not l.startswith("#")} if ignore_file.exists() else set()
    p.ok(2)
    for line in text.splitlines():
        m = re.match(r"^COPY\s+(.*)$", line.strip())
        if not m:
            continue
        words = m.group(1).split()
        flags = [w for w in words if w.startswith("--")]
        srcs = [w for w in words if not w.startswith("--")][:-1]
        from_stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
        for src in srcs:
            if from_stage:
                if from_stage not in stages:
                    p.add(f"COPY --from={from_stage}: no such stage")
                rel = src.removeprefix("/src/").rstrip("/")
                if rel.rstrip("/") not in {o.rstrip("/") for o in outputs}:
                    p.add(f"COPY --from={from_stage} {src}: not a declared build output")
                elif not (REPO / rel.split("/")[0]).is_dir():
                    p.add(f"COPY --from={from_stage} {src}: module {rel.split('/')[0]} missing")
            else:
                path = REPO / src
                if not path.exists():
                    p.add(f"COPY {src}: {path} does not exist")
                if src.rstrip("/") in ignored:
                    p.add(f"COPY {src}: excluded by Dockerfile.dockerignore")
            p.ok()
    # Every Maven module is copied into the build stage.
    root_pom = (REPO / "pom.xml").read_text()
    for module in re.findall(r"<module>([^<]+)</module>", root_pom):
        if not re.search(rf"^COPY\s+{re.escape(module)}/\s", text, re.M):
            p.add(f"Maven module {module} (root pom.xml) is not copied into the build stage")
        p.ok()

    doc = load_compose()
    for name, svc in doc.get("services", {}).items():
        build = svc.get("build")
        if isinstance(build, dict):
            ctx = (DOCKER / build.get("context", ".")).resolve()
            if not ctx.is_dir():
                p.add(f"service {name}: build context {ctx} missing")
            dockerfile = ctx / build.get("dockerfile", "Dockerfile")
            if not dockerfile.is_file():
                p.add(f"service {name}: dockerfile {dockerfile} missing")
            target = build.get("target")
            if target and target not in stages:
                p.add(f"service {name}: build target {target} is not a Dockerfile stage")
            p.ok(3)
        for vol in svc.get("volumes", []):
            src = str(vol).split(":")[0]
            if src.startswith((".", "/")):
                path = (DOCKER / src).resolve()
                if not path.exists():
                    p.add(f"service {name}: bind mount source {src} ({path}) missing")
            elif src not in (doc.get("volumes") or {}):
                p.add(f"service {name}: named volume {src} not declared under volumes:")
            p.ok()
    return p.finish()


# --------------------------------------------------------------------------------------
def catalogue():
    """Metric names from the first column of the tables in docs/METRICS.md."""
    names = set()
    for line in METRICS_MD.read_text().splitlines():
        m = re.match(r"^\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|", line)
        if m:
            names.add(m.group(1))
    return names


def metric_names(expr):
    """Identifiers in an expression that are metric names (not labels, functions, strings)."""
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # string literals
    stripped = re.sub(r"\{[^}]*\}", "{}", stripped)              # label matchers
    stripped = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)",
                      r"\1()", stripped)                          # label lists
    stripped = re.sub(r"\[[^\]]*\]", "[]", stripped)             # range windows
    names = set()
    for word in re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", stripped):
        if word.lower() in PROMQL_WORDS or re.fullmatch(r"\d+[smhdwy]", word):
            continue
        names.add(word)
    return names


def known(name, cat):
    if name in cat:
        return True
    return any(name.endswith(s) and name[: -len(s)] in cat for s in HISTOGRAM_SUFFIXES)


def iter_panels(panels):
    for panel in panels:
        yield panel
        yield from iter_panels(panel.get("panels", []))


def load_dashboards():
    out = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        with path.open() as f:
            out.append((path, json.load(f)))
    return out


def check_dashboards():
    p = Problems("dashboards")
    cat = catalogue()
    if not cat:
        p.add("docs/METRICS.md: no metric names found in its tables")
    dashboards = load_dashboards()
    names = {path.stem for path, _ in dashboards}
    for required in ("overview", "models", "quality", "jvm-kafka-streams"):
        if required not in names:
            p.add(f"grafana/dashboards/{required}.json missing")
        p.ok()
    uids = set()
    for path, dash in dashboards:
        where = path.name
        if dash.get("uid") in uids:
            p.add(f"{where}: duplicate dashboard uid {dash.get('uid')}")
        uids.add(dash.get("uid"))
        if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 36:
            p.add(f"{where}: schemaVersion {dash.get('schemaVersion')} (want ~39)")
        p.ok(2)
        ids = set()
        panels = list(iter_panels(dash.get("panels", [])))
        if not panels:
            p.add(f"{where}: no panels")
        for panel in panels:
            pw = f"{where} panel {panel.get('id')} '{panel.get('title')}'"
            if panel.get("id") in ids:
                p.add(f"{pw}: duplicate panel id")
            ids.add(panel.get("id"))
            if panel.get("type") not in ("timeseries", "stat"):
                p.add(f"{pw}: type {panel.get('type')} (only timeseries/stat expected)")
            if (panel.get("datasource") or {}).get("uid") != "prometheus":
                p.add(f"{pw}: panel datasource uid is not 'prometheus'")
            gp = panel.get("gridPos") or {}
            if not all(k in gp for k in ("h", "w", "x", "y")) or gp["x"] + gp["w"] > 24:
                p.add(f"{pw}: bad gridPos {gp}")
            targets = panel.get("targets") or []
            if not targets:
                p.add(f"{pw}: no targets")
            p.ok(5)
            ref_ids = set()
            for tg in targets:
                tw = f"{pw} target {tg.get('refId')}"
                if tg.get("refId") in ref_ids:
                    p.add(f"{tw}: duplicate refId")
                ref_ids.add(tg.get("refId"))
                if (tg.get("datasource") or {}).get("uid") != "prometheus":
                    p.add(f"{tw}: target datasource uid is not 'prometheus'")
                expr = (tg.get("expr") or "").strip()
                if not expr:
                    p.add(f"{tw}: empty expr")
                    continue
                if "$" in expr:
                    p.add(f"{tw}: Grafana variable in expr (must be plain PromQL): {expr}")
                for name in sorted(metric_names(expr)):
                    if not known(name, cat):
                        p.add(f"{tw}: metric {name} is not in docs/METRICS.md")
                p.ok(4)
    # Provisioning: the datasource uid and the dashboards path compose mounts.
    ds = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())
    if not any(d.get("uid") == "prometheus" for d in ds.get("datasources", [])):
        p.add("provisioning/datasources/prometheus.yml: no datasource with uid prometheus")
    prov = yaml.safe_load((PROVISIONING / "dashboards" / "dashboards.yml").read_text())
    paths = [pr.get("options", {}).get("path") for pr in prov.get("providers", [])]
    if "/var/lib/grafana/dashboards" not in paths:
        p.add(f"provisioning/dashboards/dashboards.yml: provider paths {paths}")
    grafana_mounts = [str(v) for v in load_compose()["services"]["grafana"].get("volumes", [])]
    for mount in ("../grafana/dashboards:/var/lib/grafana/dashboards",
                  "../grafana/provisioning:/etc/grafana/provisioning"):
        if not any(m.startswith(mount) for m in grafana_mounts):
            p.add(f"compose grafana service does not mount {mount}")
    p.ok(4)
    return p.finish()


def all_exprs():
    for path, dash in load_dashboards():
        for panel in iter_panels(dash.get("panels", [])):
            for tg in panel.get("targets") or []:
                if (tg.get("expr") or "").strip():
                    yield path.stem, panel, tg


def write_rules(out):
    rules = []
    for stem, panel, tg in all_exprs():
        record = f"dashboard:{stem.replace('-', '_')}:panel{panel['id']}_{tg['refId']}"
        rules.append({"record": record, "expr": tg["expr"]})
    Path(out).write_text(yaml.safe_dump({"groups": [{"name": "dashboard-exprs",
                                                      "rules": rules}]}, sort_keys=False))
    print(f"wrote {len(rules)} dashboard expressions as recording rules to {out}")
    return 0


def write_exprs(out):
    lines = [f"{stem}\t{panel['title']} [{tg['refId']}]\t{tg['expr']}"
             for stem, panel, tg in all_exprs()]
    Path(out).write_text("\n".join(lines) + "\n")
    return 0


def main(argv):
    cmd = argv[0] if argv else ""
    if cmd == "compose":
        return check_compose()
    if cmd == "dockerfile":
        return check_dockerfile()
    if cmd == "paths":
        return check_paths()
    if cmd == "dashboards":
        return check_dashboards()
    if cmd == "rules" and len(argv) == 2:
        return write_rules(argv[1])
    if cmd == "exprs" and len(argv) == 2:
        return write_exprs(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
