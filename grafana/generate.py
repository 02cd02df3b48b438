#!/usr/bin/env python3
"""Writes the Grafana dashboards in grafana/dashboards/*.json.

The JSON files are committed (Grafana provisions them as they are); this script is their
source, so that every panel uses the same datasource, units and layout rules. Edit here,
run `python3 grafana/generate.py`, commit both. `--check` exits 1 when a committed JSON
file differs from what this script would write (docker/validate.sh runs it); `--markdown`
prints the expression tables for grafana/README.md.

Rules every expression follows (a test evaluates each `expr` verbatim against a
Prometheus scraping the app, and fails on errors or empty results):
  * only metric names from docs/METRICS.md;
  * literal range windows ([1m], [5m], ...), no Grafana variables such as $__rate_interval
    or $instance, so the expression is valid PromQL as written;
  * a metric that exists only after a rare event (DLQ, swap, load failure, GC, ...) is
    wrapped as `... or on() vector(0)`, which returns the left side when it has data and
    a single 0 otherwise.
"""
import json
import sys
from pathlib import Path

DS = {"type": "prometheus", "uid": "prometheus"}
OUT = Path(__file__).resolve().parent / "dashboards"


def t(expr, legend="__auto"):
    return {"expr": expr, "legend": legend}


def q(quantile, metric, window="1m", by="le"):
    return (f"histogram_quantile({quantile}, sum by ({by}) "
            f"(rate({metric}_bucket[{window}])))")


def or_zero(expr):
    return f"{expr} or on() vector(0)"


def or_label(expr, label, value):
    return f'{expr} or on() label_replace(vector(0), "{label}", "{value}", "", "")'


class Dashboard:
    def __init__(self, uid, title, description):
        self.uid, self.title, self.description = uid, title, description
        self.panels = []
        self.x = self.y = self.row_h = 0

    def _place(self, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        pos = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def _targets(self, targets):
        out = []
        for i, tg in enumerate(targets):
            out.append({
                "datasource": DS,
                "refId": chr(ord("A") + i),
                "expr": tg["expr"],
                "legendFormat": tg["legend"],
                "range": True,
                "instant": False,
                "editorMode": "code",
            })
        return out

    def timeseries(self, title, description, targets, unit="short", w=12, h=8,
                   stack=False, bars=False, min_zero=True, max_one=False):
        custom = {
            "drawStyle": "bars" if bars else "line",
            "lineWidth": 1,
            "fillOpacity": 60 if bars else 10,
            "showPoints": "never",
            "spanNulls": False,
            "stacking": {"mode": "normal" if stack else "none", "group": "A"},
            "axisPlacement": "auto",
        }
        defaults = {"unit": unit, "custom": custom, "color": {"mode": "palette-classic"}}
        if min_zero:
            defaults["min"] = 0
        if max_one:
            defaults["max"] = 1
        self.panels.append({
            "id": len(self.panels) + 1,
            "type": "timeseries",
            "title": title,
            "description": description,
            "datasource": DS,
            "gridPos": self._place(w, h),
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {
                "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                "tooltip": {"mode": "multi", "sort": "desc"},
            },
            "targets": self._targets(targets),
        })

    def stat(self, title, description, targets, unit="short", w=4, h=4,
             thresholds=None, text_mode="value", decimals=None):
        steps = [{"color": "green", "value": None}]
        for value, color in thresholds or []:
            steps.append({"color": color, "value": value})
        defaults = {
            "unit": unit,
            "color": {"mode": "thresholds"},
            "thresholds": {"mode": "absolute", "steps": steps},
        }
        if decimals is not None:
            defaults["decimals"] = decimals
        self.panels.append({
            "id": len(self.panels) + 1,
            "type": "stat",
            "title": title,
            "description": description,
            "datasource": DS,
            "gridPos": self._place(w, h),
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {
                "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                "colorMode": "value",
                "graphMode": "none" if text_mode == "name" else "area",
                "textMode": text_mode,
                "justifyMode": "auto",
                "orientation": "auto",
                "wideLayout": True,
                "showPercentChange": False,
            },
            "targets": self._targets(targets),
        })

    def json(self):
        return {
            "id": None,
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": ["streamrec"],
            "timezone": "browser",
            "editable": True,
            "graphTooltip": 1,
            "schemaVersion": 39,
            "version": 1,
            "refresh": "10s",
            "time": {"from": "now-30m", "to": "now"},
            "timepicker": {},
            "fiscalYearStartMonth": 0,
            "liveNow": False,
            "weekStart": "",
            "annotations": {"list": [{
                "builtIn": 1,
                "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                "enable": True,
                "hide": True,
                "iconColor": "rgba(0, 211, 255, 1)",
                "name": "Annotations & Alerts",
                "type": "dashboard",
            }]},
            "links": [{
                "type": "dashboards",
                "tags": ["streamrec"],
                "title": "streamrec dashboards",
                "asDropdown": False,
                "includeVars": False,
                "keepTime": True,
                "targetBlank": False,
                "icon": "external link",
                "tooltip": "",
                "url": "",
            }],
            # No template variables on purpose: every expr must stay valid PromQL as
            # written (see the module docstring); legends split by instance instead.
            "templating": {"list": []},
            "panels": self.panels,
        }


E2E = "streamrec_end_to_end_latency_seconds"
SCORING = "streamrec_scoring_latency_seconds"
BATCH = "streamrec_scoring_batch_size"
SWAP = "streamrec_model_swap_duration_seconds"


def overview():
    d = Dashboard("streamrec-overview", "streamrec / Overview",
                  "Is the pipeline keeping up? Throughput, end-to-end latency, lag and errors.")
    d.stat("Events in /s", "User events accepted by the topology per second, all instances.",
           [t("sum(rate(streamrec_events_in_total[1m]))", "events/s")], unit="ops")
    d.stat("Recommendations out /s",
           "Recommendation records emitted per second (model + heuristic), all instances.",
           [t("sum(rate(streamrec_recommendations_out_total[1m]))", "recs/s")], unit="ops")
    d.stat("End-to-end p95",
           "95th percentile of event time to recommendation emitted, last minute.",
           [t(q(0.95, E2E), "p95")], unit="s", thresholds=[(0.5, "orange"), (2, "red")])
    d.stat("Max consumer lag",
           "Largest records-behind of any consumer partition. Growing = falling behind.",
           [t('max(kafka_streams_records_lag_max_records{client_id=~".*StreamThread.*"})', "lag")],
           thresholds=[(1000, "orange"), (10000, "red")])
    d.stat("DLQ records /s", "Records sent to user-events-dlq per second (any reason).",
           [t(or_zero("sum(rate(streamrec_dlq_records_total[1m]))"), "dlq/s")], unit="ops",
           thresholds=[(0.01, "orange"), (1, "red")])
    d.stat("Instances reporting",
           "streams-app instances whose metrics Prometheus scraped (compose runs 2).",
           [t("count(count by (instance) (process_cpu_usage))", "instances")],
           thresholds=None, decimals=0)

    d.timeseries("Events in by type /s",
                 "Accepted events per second by type (VIEW, CLICK, ADD_TO_CART, PURCHASE). "
                 "A type dropping to zero points at the producer, not at us.",
                 [t("sum by (type) (rate(streamrec_events_in_total[1m]))", "{{type}}")],
                 unit="ops", stack=True)
    d.timeseries("Recommendations out by source /s",
                 "Recommendations per second by source: model (ONNX scorer) or heuristic "
                 "(fallback: no model loaded, scoring failed, cold user).",
                 [t("sum by (source) (rate(streamrec_recommendations_out_total[1m]))",
                    "{{source}}")], unit="ops", stack=True)

    d.timeseries("End-to-end latency (event time to recommendation)",
                 "Quantiles over all instances, 1 m window. Includes producer delay and "
                 "Kafka transit, so a producer sending late events shows here too.",
                 [t(q(0.5, E2E), "p50"), t(q(0.95, E2E), "p95"), t(q(0.99, E2E), "p99")],
                 unit="s")
    d.timeseries("Consumer lag per instance",
                 "Max records-behind over the partitions each instance consumes "
                 "(user-events, item-catalog, model-updates, repartition topics).",
                 [t('max by (instance) (kafka_streams_records_lag_max_records{client_id=~".*StreamThread.*"})',
                    "{{instance}}")])

    d.timeseries("DLQ records by reason /s",
                 "Why records go to user-events-dlq: UNDECODABLE, UNKNOWN_TYPE, EMPTY_ID, "
                 "FUTURE_TIMESTAMP, PROCESSING_ERROR. Drain with `replay` after a fix.",
                 [t(or_zero("sum by (reason) (rate(streamrec_dlq_records_total[1m]))"),
                    "{{reason}}")], unit="ops", stack=True)
    d.timeseries("Duplicates dropped /s",
                 "Events dropped by the deduplication step (same eventId seen before). "
                 "A jump usually means a producer retried or a topic was replayed.",
                 [t(or_zero("sum by (instance) (rate(streamrec_duplicates_total[1m]))"),
                    "{{instance}}")], unit="ops")

    d.timeseries("Events in per instance /s",
                 "Accepted events per second per instance: shows partition skew and an "
                 "instance that stopped processing.",
                 [t("sum by (instance) (rate(streamrec_events_in_total[1m]))", "{{instance}}")],
                 unit="ops")
    d.timeseries("HTTP API requests /s",
                 "HTTP requests per second by URI and status (the Prometheus scrape itself "
                 "excluded). 5xx on /recommendations means the store query failed.",
                 [t(or_zero('sum by (uri, status) (rate(http_server_requests_seconds_count'
                            '{uri!="/prometheus"}[1m]))'), "{{uri}} {{status}}")],
                 unit="reqps")
    return d


def models():
    d = Dashboard("streamrec-models", "streamrec / Models",
                  "Which model serves, how hot-swaps go, how fast and where scoring runs.")
    d.stat("Serving model version",
           "Model name and version each instance serves (streamrec_model_info == 1). "
           "'none' = no model loaded yet, recommendations come from the heuristic.",
           [t(or_label("max by (model, version) (streamrec_model_info)", "version", "none"),
              "{{model}} {{version}}")], text_mode="name", w=6)
    d.stat("Scoring device",
           "Execution provider per instance: cuda (GPU) or cpu.",
           [t(or_label("max by (instance, device) (streamrec_scoring_device_info)",
                       "device", "unknown"), "{{instance}}: {{device}}")],
           text_mode="name", w=6)
    d.stat("Model swaps (1h)", "Successful hot-swaps over the last hour, all instances.",
           [t(or_zero("sum(increase(streamrec_model_swaps_total[1h]))"), "swaps")],
           decimals=0)
    d.stat("Load failures (1h)",
           "Artifacts refused in the last hour (bad checksum, contract, golden output, "
           "load or download error). The old model keeps serving; any value > 0 needs a look.",
           [t(or_zero("sum(increase(streamrec_model_load_failures_total[1h]))"), "failures")],
           thresholds=[(1, "red")], decimals=0)
    d.stat("Scoring p99", "99th percentile of one ONNX Runtime call, last minute.",
           [t(q(0.99, SCORING), "p99")], unit="s", thresholds=[(0.05, "orange"), (0.2, "red")])

    d.timeseries("Serving version over time (instances per version)",
                 "How many instances serve each model version. During a rollout the new "
                 "version rises to the instance count and the old one drops to zero.",
                 [t(or_label("count by (version) (streamrec_model_info == 1)", "version", "none"),
                    "{{version}}")], stack=True)
    d.timeseries("Model swaps",
                 "Hot-swaps per instance (increase over 5 m). Every instance should swap "
                 "once per published model.",
                 [t(or_zero("sum by (instance) (increase(streamrec_model_swaps_total[5m]))"),
                    "{{instance}}")], bars=True)

    d.timeseries("Swap duration",
                 "Time from model-updates record to the new session serving: verify "
                 "checksum, load, golden check, warm-up, swap. 15 m window (swaps are rare).",
                 [t(or_zero(q(0.5, SWAP, "15m")), "p50"),
                  t(or_zero(q(0.99, SWAP, "15m")), "p99")], unit="s")
    d.timeseries("Model load failures by reason",
                 "Refused artifacts by reason (CHECKSUM, CONTRACT, GOLDEN, LOAD, DOWNLOAD, UNTRUSTED, SIGNATURE), "
                 "increase over 5 m.",
                 [t(or_zero("sum by (reason) "
                            "(increase(streamrec_model_load_failures_total[5m]))"),
                    "{{reason}}")], bars=True, stack=True)

    d.timeseries("Scoring latency (one ONNX Runtime call)",
                 "Quantiles of a single scorer call (a batch), all instances, 1 m window.",
                 [t(q(0.5, SCORING), "p50"), t(q(0.99, SCORING), "p99")], unit="s")
    d.timeseries("Scoring calls /s per instance",
                 "ONNX Runtime calls per second per instance.",
                 [t(f"sum by (instance) (rate({SCORING}_count[1m]))", "{{instance}}")],
                 unit="ops")

    d.timeseries("Scoring batch size",
                 "Rows scored per ONNX Runtime call: p50, p99 and mean. Larger batches "
                 "amortise the call cost (matters most on the GPU).",
                 [t(q(0.5, BATCH), "p50"), t(q(0.99, BATCH), "p99"),
                  t(f"sum(rate({BATCH}_sum[1m])) / sum(rate({BATCH}_count[1m]))", "mean")])
    d.timeseries("Scoring p99 per instance",
                 "99th percentile scoring latency per instance: a slow instance (CPU "
                 "fallback, noisy neighbour) stands out here.",
                 [t(q(0.99, SCORING, by="instance, le"), "{{instance}}")], unit="s")
    return d


def quality():
    d = Dashboard("streamrec-quality", "streamrec / Quality",
                  "Are the recommendations any good? Online hit rate and catalogue coverage.")
    hit_rate_5m = ("(sum(rate(streamrec_online_hits_total[5m])) or on() vector(0)) "
                   "/ sum(rate(streamrec_online_interactions_total[5m]))")
    d.stat("Online hit rate (5m)",
           "Share of CLICK/PURCHASE events whose item had been recommended to that user "
           "shortly before, from the counters, all instances.",
           [t(hit_rate_5m, "hit rate")], unit="percentunit", w=6,
           thresholds=None)
    d.stat("Online hit rate (gauge)",
           "The app's own windowed hit rate (streamrec_online_hit_rate), mean of instances.",
           [t("avg(streamrec_online_hit_rate)", "hit rate")], unit="percentunit", w=6)
    d.stat("Catalogue coverage",
           "Distinct items recommended in the last window / catalogue items seen, mean "
           "of instances (each instance sees its own partitions' users).",
           [t("avg(streamrec_recommendation_coverage_ratio)", "coverage")],
           unit="percentunit", w=6)
    d.stat("Heuristic share (5m)",
           "Share of recommendations from the heuristic fallback instead of the model. "
           "High = no model loaded or scoring failing.",
           [t('(sum(rate(streamrec_recommendations_out_total{source="heuristic"}[5m])) '
              'or on() vector(0)) / sum(rate(streamrec_recommendations_out_total[5m]))',
              "heuristic")], unit="percentunit", w=6, thresholds=[(0.5, "orange"), (0.9, "red")])

    d.timeseries("Online hit rate",
                 "Counter-based hit rate over 5 m (all instances) and each instance's gauge. "
                 "A drop right after a model swap points at the new model.",
                 [t(hit_rate_5m, "all (counters, 5m)"),
                  t("max by (instance) (streamrec_online_hit_rate)", "{{instance}} (gauge)")],
                 unit="percentunit", max_one=True)
    d.timeseries("Hits and interactions /s",
                 "The two counters behind the hit rate: CLICK/PURCHASE events per second "
                 "and those that hit a recent recommendation. Users dropped by the hit rate's "
                 "memory (streamrec.caches.recently-shown-users reached in a task) miss their hits: "
                 "above 0 for long, raise the limit.",
                 [t("sum(rate(streamrec_online_interactions_total[1m]))", "interactions"),
                  t(or_zero("sum(rate(streamrec_online_hits_total[1m]))"), "hits"),
                  t("sum(rate(streamrec_online_memory_dropped_users_total[1m]))", "users dropped from memory")],
                 unit="ops")

    d.timeseries("Catalogue coverage per instance",
                 "Distinct items recommended / catalogue items seen. Falling coverage = "
                 "recommendations collapsing onto a few popular items.",
                 [t("max by (instance) (streamrec_recommendation_coverage_ratio)",
                    "{{instance}}")], unit="percentunit", max_one=True)
    d.timeseries("Recommendation source share",
                 "Share of recommendations by source (model vs heuristic), 5 m window.",
                 [t("sum by (source) (rate(streamrec_recommendations_out_total[5m])) "
                    "/ ignoring (source) group_left "
                    "sum(rate(streamrec_recommendations_out_total[5m]))", "{{source}}")],
                 unit="percentunit", stack=True, max_one=True)

    d.timeseries("Serving version (for correlation)",
                 "Instances per serving model version, to line quality changes up with swaps.",
                 [t(or_label("count by (version) (streamrec_model_info == 1)", "version", "none"),
                    "{{version}}")], w=24, h=6, stack=True)
    return d


def jvm_kafka_streams():
    d = Dashboard("streamrec-jvm-kafka-streams", "streamrec / JVM and Kafka Streams",
                  "Runtime health of each streams-app instance: JVM memory, GC, threads, "
                  "CPU, and the Kafka Streams threads and state stores.")
    d.timeseries("Heap used per instance", "JVM heap in use (all heap pools).",
                 [t('sum by (instance) (jvm_memory_used_bytes{area="heap"})', "{{instance}}")],
                 unit="bytes", w=8)
    d.timeseries("Heap used by pool", "Heap per pool (eden, survivor, old gen).",
                 [t('sum by (instance, id) (jvm_memory_used_bytes{area="heap"})',
                    "{{instance}} {{id}}")], unit="bytes", w=8)
    d.timeseries("Non-heap used per instance",
                 "Metaspace, code cache and other non-heap pools. (RocksDB and ONNX Runtime "
                 "native memory is not in here.)",
                 [t('sum by (instance) (jvm_memory_used_bytes{area="nonheap"})',
                    "{{instance}}")], unit="bytes", w=8)

    d.timeseries("Time in GC pauses",
                 "Share of wall time spent in GC pauses (seconds of pause per second).",
                 [t(or_zero("sum by (instance) (rate(jvm_gc_pause_seconds_sum[1m]))"),
                    "{{instance}}")], unit="percentunit", w=8)
    d.timeseries("GC pauses /s",
                 "GC pauses per second by instance and action (minor/major).",
                 [t(or_zero("sum by (instance, action) (rate(jvm_gc_pause_seconds_count[1m]))"),
                    "{{instance}} {{action}}")], unit="ops", w=8)
    d.timeseries("Longest GC pause", "Longest recent GC pause per instance.",
                 [t(or_zero("max by (instance) (jvm_gc_pause_seconds_max)"), "{{instance}}")],
                 unit="s", w=8)

    d.timeseries("CPU", "Process and whole-system CPU usage per instance (0-1).",
                 [t("max by (instance) (process_cpu_usage)", "{{instance}} process"),
                  t("max by (instance) (system_cpu_usage)", "{{instance}} system")],
                 unit="percentunit", max_one=True)
    d.timeseries("Live threads", "JVM live threads per instance.",
                 [t("sum by (instance) (jvm_threads_live_threads)", "{{instance}}")])

    d.timeseries("Kafka Streams process rate",
                 "Records processed per second by the stream threads of each instance.",
                 [t("sum by (instance) (kafka_streams_process_rate)", "{{instance}}")],
                 unit="ops", w=8)
    d.timeseries("Kafka Streams process latency (avg)",
                 "Average time a stream thread spends processing one record, worst thread "
                 "per instance (Kafka reports milliseconds).",
                 [t("max by (instance) (kafka_streams_process_latency_avg)",
                    "{{instance}}")], unit="ms", w=8)
    d.timeseries("Commit rate", "Commits per second by the stream threads of each instance "
                 "(each commits every commit.interval.ms while it has processed records).",
                 [t("sum by (instance) (kafka_streams_commit_rate_commits)", "{{instance}}")],
                 unit="ops", w=8)

    d.timeseries("State store put rate",
                 "Puts per second into all state stores per instance. Kafka Streams records "
                 "store metrics only with metrics.recording.level=DEBUG; 0 otherwise.",
                 [t(or_zero("sum by (instance) (kafka_streams_put_rate)"),
                    "{{instance}}")], unit="ops", w=8)
    d.timeseries("State store entries",
                 "Approximate entries per state store, summed over instances (standby "
                 "copies included where the app reports them).",
                 [t("sum by (store) (streamrec_store_entries)", "{{store}}")], w=8)
    d.timeseries("Records consumed /s",
                 "Records fetched per second by each instance's consumers (input, "
                 "repartition and changelog-restore traffic).",
                 [t("sum by (instance) (kafka_streams_records_consumed_rate)",
                    "{{instance}}")], unit="ops", w=8)
    d.timeseries("Heap cache hit ratio",
                 "Share of the hot path's reads of the neighbour-list and catalogue caches "
                 "(streamrec.caches.*) answered from the heap, per instance; a miss is a store read "
                 "and a decode on the stream thread. Low with the cache's entries at its cap: raise "
                 "the cap if the heap allows.",
                 [t("1 - sum by (instance, cache) (rate(streamrec_cache_loads_total[1m])) "
                    "/ sum by (instance, cache) (rate(streamrec_cache_reads_total[1m]))",
                    "{{instance}} {{cache}}")], unit="percentunit", max_one=True, w=8)
    d.timeseries("Heap cache entries",
                 "Entries each heap cache holds per instance (capped by streamrec.caches.*: two "
                 "generations of half each; keys not read while a generation lasts are dropped).",
                 [t("sum by (instance, cache) (streamrec_cache_entries)", "{{instance}} {{cache}}")],
                 w=8)
    d.timeseries("State restores",
                 "Records restored into state stores from their changelogs /s per instance, and the store "
                 "partitions restoring now. A task serves nothing until its stores are restored; the co-visit "
                 "pairs on the heap (streamrec.covisit.store: in-memory, the default) are restored at every "
                 "start, the log says how long each partition took.",
                 [t("sum by (instance) (rate(streamrec_state_restore_records_total[1m]))", "{{instance}} records/s"),
                  t("sum by (instance) (streamrec_state_restoring_partitions)", "{{instance}} partitions restoring")],
                 w=8)
    d.timeseries("Longest commit",
                 "Longest recent commit per instance: the stream thread flushes its caches and "
                 "commits its transaction, processing nothing meanwhile, so a long one delays every "
                 "list of its tasks (Kafka reports the max over its metric window).",
                 [t("max by (instance) (kafka_streams_commit_latency_max_seconds)", "{{instance}}")],
                 unit="s", w=8)
    return d


def experiments():
    d = Dashboard("streamrec-experiments", "streamrec / Experiments",
                  "A/B experiments: per variant lists served, hit rate@k, coverage and ranking "
                  "latency. The first variant of an experiment is its control; "
                  "`experiment report` gives confidence intervals and significance.")
    by = "experiment, variant"
    hit_rate = (f"sum by ({by}) (rate(streamrec_experiment_hits_total[5m])) "
                f"/ sum by ({by}) (rate(streamrec_experiment_interactions_total[5m]))")
    d.timeseries("Hit rate@k per variant (5m, counters)",
                 "Share of the variant's users' clicks and purchases on an item recommended to "
                 "them within the quality window, all instances.",
                 [t(hit_rate, "{{experiment}} / {{variant}}")], unit="percentunit", max_one=True)
    d.timeseries("Hit rate per variant (gauge)",
                 "Each instance's rolling hit rate over the quality window, mean of instances.",
                 [t(f"avg by ({by}) (streamrec_experiment_hit_rate)", "{{experiment}} / {{variant}}")],
                 unit="percentunit", max_one=True)
    d.timeseries("Lists served per variant /s",
                 "Recommendation lists each variant ranked and emitted per second; the shares "
                 "should follow the definition's traffic shares.",
                 [t(f"sum by ({by}) (rate(streamrec_experiment_recommendations_total[1m]))",
                    "{{experiment}} / {{variant}}")], unit="ops")
    d.timeseries("Traffic share per variant (5m)",
                 "Share of the experiment's lists per variant.",
                 [t(f"sum by ({by}) (rate(streamrec_experiment_recommendations_total[5m])) "
                    "/ ignoring (variant) group_left sum by (experiment) "
                    "(rate(streamrec_experiment_recommendations_total[5m]))",
                    "{{experiment}} / {{variant}}")], unit="percentunit", stack=True, max_one=True)
    d.timeseries("Coverage per variant",
                 "Distinct items the variant recommended over the quality window / distinct "
                 "items seen in events, mean of instances.",
                 [t(f"avg by ({by}) (streamrec_experiment_coverage_ratio)",
                    "{{experiment}} / {{variant}}")], unit="percentunit", max_one=True)
    d.timeseries("Ranking latency p99 per variant",
                 "One ranker call of the variant (a list or a micro-batch), ONNX Runtime included.",
                 [t(q(0.99, "streamrec_experiment_ranking_latency_seconds", by=f"le, {by}"),
                    "{{experiment}} / {{variant}}")], unit="s")
    d.timeseries("Clicks and purchases per variant /s",
                 "The hit rate's denominator: how much evidence each variant collects.",
                 [t(f"sum by ({by}) (rate(streamrec_experiment_interactions_total[1m]))",
                    "{{experiment}} / {{variant}}")], w=24, h=6, unit="ops")
    return d


DASHBOARDS = {
    "overview.json": overview,
    "models.json": models,
    "quality.json": quality,
    "jvm-kafka-streams.json": jvm_kafka_streams,
    "experiments.json": experiments,
}


def render(build):
    return json.dumps(build().json(), indent=2) + "\n"


def markdown():
    """The expression tables of grafana/README.md (`generate.py --markdown`)."""
    lines = []
    for name, build in DASHBOARDS.items():
        lines += ["", f"### {name}", "", "| panel | expr |", "|---|---|"]
        for panel in build().json()["panels"]:
            for tg in panel["targets"]:
                lines.append(f"| {panel['title']} [{tg['refId']}] | `{tg['expr']}` |")
    return "\n".join(lines[1:]) + "\n"


def main(argv):
    if "--markdown" in argv:
        sys.stdout.write(markdown())
        return 0
    check = "--check" in argv
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in DASHBOARDS.items():
        path = OUT / name
        text = render(build)
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.write_text(text)
            print(f"wrote {path}")
    if stale:
        print("out of date (run python3 grafana/generate.py): " + ", ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
