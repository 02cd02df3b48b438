#!/usr/bin/env python3
"""Evaluates every Grafana dashboard expression against a real Prometheus (no Docker).

  python3 docker/validation/live.py [--prometheus /usr/bin/prometheus] [--mode minimal|full|both]

It starts two fake streams-app instances (a stand-in for the app's /prometheus endpoint
that serves the metric names of docs/METRICS.md with growing values), a throw-away
Prometheus scraping them every second, waits for a few scrapes, then runs every `expr` of
grafana/dashboards/*.json as an instant query. An expression fails when Prometheus returns
an error or an empty result.

Modes:
  minimal  a freshly started app: only the meters that exist from start-up (no DLQ record,
           duplicate, hit, model, swap, load failure, GC, HTTP request or DEBUG store
           metric yet); proves the `or on() vector(0)` fallbacks. The experiments dashboard is left
           out: without an experiment it has no series by design
  full     every metric of the catalogue with data; proves that the expressions also work
           (no many-to-many matching errors etc.) when everything is there
This is a check of the dashboards, not of the app: the real app must export the same names.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import checks  # noqa: E402

BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]


class FakeApp:
    """Prometheus text exposition with the catalogue's names; values grow with time."""

    def __init__(self, instance, full):
        self.instance, self.full, self.start = instance, full, time.time()

    def body(self):
        t = time.time() - self.start + 1.0
        out = []

        def metric(name, kind, samples):
            out.append(f"# TYPE {name} {kind}")
            for labels, value in samples:
                lbl = ",".join(f'{k}="{v}"' for k, v in labels.items())
                out.append(f"{name}{{{lbl}}} {value}" if lbl else f"{name} {value}")

        def histogram(name, per_second, mean, labels=None, with_max=True):
            # Micrometer's layout: one histogram family (_bucket, _count, _sum), and for
            # timers a separate _max gauge.
            labels = labels or {}
            count = per_second * t
            out.append(f"# TYPE {name} histogram")
            for le in BUCKETS + ["+Inf"]:
                share = 1.0 if le == "+Inf" else min(1.0, le / (2 * mean))
                lbl = ",".join(f'{k}="{v}"' for k, v in {**labels, "le": le}.items())
                out.append(f"{name}_bucket{{{lbl}}} {count * share}")
            lbl = ",".join(f'{k}="{v}"' for k, v in labels.items())
            out.append(f"{name}_count{{{lbl}}} {count}")
            out.append(f"{name}_sum{{{lbl}}} {count * mean}")
            if with_max:
                metric(f"{name}_max", "gauge", [(labels, 2 * mean)])

        metric("streamrec_events_in_total", "counter",
               [({"type": ty}, r * t) for ty, r in
                (("VIEW", 150), ("CLICK", 30), ("ADD_TO_CART", 10), ("PURCHASE", 3))])
        metric("streamrec_recommendations_out_total", "counter",
               [({"source": "model"}, 120 * t)] + ([({"source": "heuristic"}, 5 * t)]
                                                  if self.full else []))
        histogram("streamrec_end_to_end_latency_seconds", 120, 0.05)
        histogram("streamrec_scoring_latency_seconds", 40, 0.004)
        histogram("streamrec_scoring_batch_size", 40, 3.0, with_max=False)
        metric("streamrec_scoring_device_info", "gauge", [({"device": "cpu"}, 1)])
        metric("streamrec_store_entries", "gauge",
               [({"store": s}, n) for s, n in (("user-history", 5000), ("co-visitation", 20000),
                                               ("trending", 100), ("dedupe", 8000))])
        metric("streamrec_online_hit_rate", "gauge", [({}, 0.12)])
        metric("streamrec_online_interactions_total", "counter", [({}, 33 * t)])
        metric("streamrec_recommendation_coverage_ratio", "gauge", [({}, 0.4)])
        # As micronaut-kafka's binder exports them: thread-level Streams metrics without labels
        # (one stream thread), client metrics labelled by client_id.
        kafka = {"client_id": f"streamrec-{self.instance}-StreamThread-1-consumer"}
        metric("kafka_streams_process_rate", "gauge", [({}, 190.0)])
        metric("kafka_streams_process_latency_avg", "gauge", [({}, 0.3)])
        metric("kafka_streams_put_rate", "gauge", [({}, 150.0)])
        metric("kafka_streams_commit_rate_commits", "gauge", [(kafka, 0.033)])
        metric("kafka_streams_records_lag_max_records", "gauge",
               [(kafka, 12.0), ({"client_id": f"streamrec-{self.instance}-global-consumer"}, 0.0)])
        metric("kafka_streams_records_consumed_rate", "gauge", [(kafka, 190.0)])
        metric("jvm_memory_used_bytes", "gauge",
               [({"area": "heap", "id": "G1 Eden Space"}, 2e8),
                ({"area": "heap", "id": "G1 Old Gen"}, 4e8),
                ({"area": "nonheap", "id": "Metaspace"}, 9e7)])
        metric("jvm_threads_live_threads", "gauge", [({}, 60)])
        metric("process_cpu_usage", "gauge", [({}, 0.3)])
        metric("system_cpu_usage", "gauge", [({}, 0.5)])
        if self.full:
            metric("streamrec_dlq_records_total", "counter",
                   [({"reason": r}, 0.5 * t) for r in ("UNDECODABLE", "EMPTY_ID")])
            metric("streamrec_duplicates_total", "counter", [({}, 0.2 * t)])
            metric("streamrec_online_hits_total", "counter", [({}, 4 * t)])
            metric("streamrec_model_info", "gauge",
                   [({"model": "seqrec", "version": "20250101-1200"}, 1)])
            metric("streamrec_model_swaps_total", "counter", [({}, 0.01 * t)])
            histogram("streamrec_model_swap_duration_seconds", 0.01, 0.8)
            metric("streamrec_model_load_failures_total", "counter",
                   [({"reason": "CHECKSUM"}, 0.01 * t)])
            # One A/B experiment with two variants (the families exist once a variant has served).
            variants = [({"experiment": "ranker-ab", "variant": v}, share) for v, share in
                        (("control", 0.5), ("model", 0.5))]
            metric("streamrec_experiment_recommendations_total", "counter",
                   [(lbl, 60 * share * t) for lbl, share in variants])
            metric("streamrec_experiment_interactions_total", "counter",
                   [(lbl, 16 * share * t) for lbl, share in variants])
            metric("streamrec_experiment_hits_total", "counter",
                   [(lbl, 2 * share * t) for lbl, share in variants])
            metric("streamrec_experiment_hit_rate", "gauge", [(lbl, 0.12) for lbl, _ in variants])
            metric("streamrec_experiment_coverage_ratio", "gauge", [(lbl, 0.35) for lbl, _ in variants])
            histogram("streamrec_experiment_ranking_latency_seconds", 20, 0.003, variants[1][0])
            histogram("jvm_gc_pause_seconds", 0.5, 0.01,
                      {"action": "end of minor GC", "cause": "G1 Evacuation Pause",
                       "gc": "G1 Young Generation"})
            for uri, status, r in (("/recommendations/{userId}", "200", 20),
                                   ("/health/readiness", "200", 0.1),
                                   ("/prometheus", "200", 0.2)):
                lbl = {"method": "GET", "uri": uri, "status": status, "exception": "none"}
                metric("http_server_requests_seconds_count", "counter", [(lbl, r * t)])
                metric("http_server_requests_seconds_sum", "counter", [(lbl, r * t * 0.002)])
        return ("\n".join(out) + "\n").encode()


def serve(app):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path != "/prometheus":
                self.send_error(404)
                return
            body = app.body()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query(base, expr):
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        return json.load(e)


def run(prometheus, full):
    mode = "full" if full else "minimal"
    apps = [serve(FakeApp(f"streams-app-{i}", full)) for i in (1, 2)]
    workdir = Path(tempfile.mkdtemp(prefix="streamrec-live-"))
    port = free_port()
    targets = [f"127.0.0.1:{a.server_address[1]}" for a in apps]
    (workdir / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: streams-app\n    metrics_path: /prometheus\n"
        f"    static_configs:\n      - targets: {json.dumps(targets)}\n")
    log = (workdir / "prometheus.log").open("w")
    proc = subprocess.Popen(
        [prometheus, f"--config.file={workdir / 'prometheus.yml'}",
         f"--storage.tsdb.path={workdir / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    failures = 0
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                r = query(base, 'count(up{job="streams-app"} == 1)')
                if r.get("data", {}).get("result") and r["data"]["result"][0]["value"][1] == "2":
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            print(f"live ({mode}): Prometheus did not scrape both fake instances in 60 s; "
                  f"log: {workdir / 'prometheus.log'}")
            return 1
        time.sleep(6)  # a few scrapes, so that rate(...[1m]) has two samples or more
        # Without an A/B experiment the experiments dashboard has no series at all (its families appear
        # once a variant serves, docs/METRICS.md), so a freshly started app leaves it empty by design.
        exprs = [e for e in checks.all_exprs() if full or e[0] != "experiments"]
        for stem, panel, tg in exprs:
            r = query(base, tg["expr"])
            where = f"{stem} / {panel['title']} [{tg['refId']}]"
            if r.get("status") != "success":
                failures += 1
                print(f"  FAIL {where}: {r.get('errorType')}: {r.get('error')}\n       {tg['expr']}")
            elif not r["data"]["result"]:
                failures += 1
                print(f"  FAIL {where}: empty result\n       {tg['expr']}")
        status = "FAIL" if failures else "ok"
        print(f"live ({mode} fake app, Prometheus {version(prometheus)}): {status} "
              f"({len(exprs)} expressions, {failures} failed)")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        for a in apps:
            a.shutdown()
        log.close()
        if not failures:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


def version(prometheus):
    out = subprocess.run([prometheus, "--version"], capture_output=True, text=True)
    first = (out.stdout or out.stderr).splitlines()[0]
    return first.split("version ")[-1].split(" ")[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prometheus", default=shutil.which("prometheus") or "prometheus")
    ap.add_argument("--mode", choices=["minimal", "full", "both"], default="both")
    args = ap.parse_args()
    if not os.access(args.prometheus, os.X_OK):
        print(f"live: no prometheus binary at {args.prometheus}")
        return 2
    rc = 0
    if args.mode in ("minimal", "both"):
        rc |= run(args.prometheus, full=False)
    if args.mode in ("full", "both"):
        rc |= run(args.prometheus, full=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
