"""The riskd Grafana dashboard, built with grafanalib: golden signals per route, predictions by tier,
version and source, model quality (drift, outcomes, precision), and the alerting pipeline (outbox)."""

from grafanalib.core import (
    Dashboard, GridPos, RowPanel, Stat, Target, Template, Templating, TimeSeries,
)

from riskd_rules import SLO_TARGETS, error_ratio_record

DATASOURCE = "${datasource}"
RATE = "$__rate_interval"
JOB = 'job=~"$job"'
API = f'{JOB}, route=~"$route"'
MODEL = f'{JOB}, model=~"$model"'


def series(title, targets, unit="short", description="", width=12):
    return TimeSeries(
        title=title, dataSource=DATASOURCE, description=description, unit=unit,
        targets=[Target(expr=expr, legendFormat=legend, refId=chr(65 + index))
                 for index, (expr, legend) in enumerate(targets)],
        gridPos=GridPos(h=8, w=width, x=0, y=0),
    )


def rows():
    budgets = {sli: round(1 - target, 6) for sli, target in SLO_TARGETS.items()}
    return [
        ("Golden signals per route", [
            series("Request rate", [(
                f"sum by (route, method) (rate(riskd_http_request_duration_seconds_count{{{API}}}[{RATE}]))",
                "{{method}} {{route}}")], unit="reqps"),
            series("Errors (5xx ratio, availability SLI)", [(
                f'1 - sum by (route, method) (rate(riskd_sli_good_requests_total{{{API}, sli="availability"}}[{RATE}]))'
                f' / sum by (route, method) (rate(riskd_sli_requests_total{{{API}, sli="availability"}}[{RATE}]))',
                "{{method}} {{route}}")], unit="percentunit"),
            series("Latency p50 and p99", [
                (f"histogram_quantile({q}, sum by (route, method, le) "
                 f"(rate(riskd_http_request_duration_seconds_bucket{{{API}}}[{RATE}])))", f"p{int(q * 100)} {{{{method}}}} {{{{route}}}}")
                for q in (0.5, 0.99)], unit="s"),
            series("Slow requests (latency SLI: over the route's objective)", [(
                f'1 - sum by (route, method) (rate(riskd_sli_good_requests_total{{{API}, sli="latency"}}[{RATE}]))'
                f' / sum by (route, method) (rate(riskd_sli_requests_total{{{API}, sli="latency"}}[{RATE}]))',
                "{{method}} {{route}}")], unit="percentunit"),
            series("Error budget burn rate (1h, all replicas)", [(
                f'{error_ratio_record("1h")}{{{API}, sli="{sli}"}} / {budget}', f"{sli} {{{{method}}}} {{{{route}}}}")
                for sli, budget in budgets.items()],
                description="1 = spending the budget exactly over the SLO period; the page fires at 14.4 (1h and 5m)."),
            series("Saturation: in-flight requests, open connections", [
                (f"sum by (instance) (riskd_http_requests_in_flight{{{JOB}}})", "in flight {{instance}}"),
                (f"sum by (instance) (riskd_http_connections_open{{{JOB}}})", "connections {{instance}}"),
            ]),
            series("Saturation: shed and rejected", [
                (f"sum by (instance) (rate(riskd_http_requests_shed_total{{{JOB}}}[{RATE}]))", "shed {{instance}}"),
                (f"sum by (instance) (rate(riskd_http_connections_rejected_total{{{JOB}}}[{RATE}]))",
                 "rejected connections {{instance}}"),
            ], unit="reqps"),
            series("CPU and memory", [
                (f"sum by (instance) (rate(process_cpu_seconds_total{{{JOB}}}[{RATE}]))", "CPU cores {{instance}}"),
                (f"sum by (instance) (process_resident_memory_bytes{{{JOB}}}) / 2^30", "RSS GiB {{instance}}"),
            ]),
        ]),
        ("Predictions", [
            series("Predictions by tier", [(
                f"sum by (tier) (rate(riskd_predictions_total{{{MODEL}}}[{RATE}]))", "{{tier}}")], unit="ops"),
            series("Predictions by model version (canary vs production)", [(
                f"sum by (model, version) (rate(riskd_predictions_total{{{MODEL}}}[{RATE}]))",
                "{{model}} v{{version}}")], unit="ops"),
            series("Predictions by source", [(
                f"sum by (model, source) (rate(riskd_predictions_total{{{MODEL}}}[{RATE}]))",
                "{{model}} {{source}}")], unit="ops"),
            series("Fallback answers by reason", [(
                f"sum by (model, reason) (rate(riskd_fallback_predictions_total{{{MODEL}}}[{RATE}]))",
                "{{model}} {{reason}}")], unit="ops"),
            series("Telemetry points by outcome", [(
                f"sum by (outcome) (rate(riskd_telemetry_points_total{{{JOB}}}[{RATE}]))", "{{outcome}}")],
                unit="ops"),
            series("Entities with telemetry", [(f"sum by (instance) (riskd_entities{{{JOB}}})", "{{instance}}")]),
        ]),
        ("Model quality: drift and outcomes", [
            series("Feature drift (PSI vs training)", [(
                f"max by (model, version, feature) (riskd_model_feature_psi{{{MODEL}}})",
                "{{model}} v{{version}} {{feature}}")]),
            series("Score EWMA and drift breaches", [
                (f"max by (model, version) (riskd_model_score_ewma{{{MODEL}}})", "EWMA {{model}} v{{version}}"),
                (f"max by (model, version) (riskd_model_drift_breached{{{MODEL}}})",
                 "breached {{model}} v{{version}}"),
                (f"sum by (model) (increase(riskd_retraining_requests_total{{{MODEL}}}[1h]))",
                 "retraining requested {{model}} (1h)"),
            ]),
            series("Outcomes received", [(
                f"sum by (model, version, source) (rate(riskd_model_outcomes_total{{{MODEL}}}[{RATE}]))",
                "{{model}} v{{version}} {{source}}")], unit="ops"),
            series("Precision and recall at each tier threshold", [
                (f"max by (model, version, tier) (riskd_model_precision_ratio{{{MODEL}}})",
                 "precision {{model}} v{{version}} {{tier}}"),
                (f"max by (model, version, tier) (riskd_model_recall_ratio{{{MODEL}}})",
                 "recall {{model}} v{{version}} {{tier}}"),
            ], unit="percentunit"),
            series("Brier score (lower is better)", [(
                f"max by (model, version) (riskd_model_brier_score{{{MODEL}}})", "{{model}} v{{version}}")]),
            series("Model versions by state", [(
                f"max by (model, state) (riskd_model_versions{{{MODEL}}})", "{{model}} {{state}}")]),
        ]),
        ("Alerting pipeline and logs", [
            series("Outbox backlog", [
                (f"sum by (instance) (riskd_outbox_events_queued{{{JOB}}})", "file outbox {{instance}}"),
                (f"max (riskd_outbox_store_events_queued{{{JOB}}})", "state store outbox (pages)"),
            ]),
            series("Outbox deliveries, retries, dead letters", [
                (f"sum (rate(riskd_outbox_events_sent_total{{{JOB}}}[{RATE}]))", "sent"),
                (f"sum (rate(riskd_outbox_retries_total{{{JOB}}}[{RATE}]))", "retries"),
                (f"sum (increase(riskd_outbox_dead_letters_total{{{JOB}}}[{RATE}]))", "dead letters"),
            ], unit="ops"),
            series("Prediction journal drops and buffer", [
                (f"sum (rate(riskd_prediction_journal_dropped_total{{{JOB}}}[{RATE}]))", "dropped/s"),
                (f"sum (riskd_prediction_journal_buffered{{{JOB}}})", "buffered"),
            ]),
            Stat(
                title="Builds running", dataSource=DATASOURCE, reduceCalc="lastNotNull", textMode="name",
                targets=[Target(expr=f"count by (version, revision) (riskd_build_info{{{JOB}}})",
                                legendFormat="{{version}} ({{revision}})", refId="A")],
                gridPos=GridPos(h=8, w=12, x=0, y=0),
            ),
        ]),
    ]


def templating():
    def variable(name, query, label):
        return Template(
            name=name, label=label, dataSource=DATASOURCE, query=query, includeAll=True, multi=True,
            allValue=".+", default="$__all", refresh=2, sort=1)

    return Templating(list=[
        Template(name="datasource", label="Data source", query="prometheus", type="datasource", default="",
                 includeAll=False),
        variable("job", "label_values(riskd_build_info, job)", "Job"),
        variable("route", 'label_values(riskd_sli_requests_total{job=~"$job"}, route)', "Route"),
        variable("model", 'label_values(riskd_predictions_total{job=~"$job"}, model)', "Model"),
    ])


def dashboard():
    panels = []
    y = 0
    for title, row in rows():
        panels.append(RowPanel(title=title, gridPos=GridPos(h=1, w=24, x=0, y=y)))
        y += 1
        for index, panel in enumerate(row):
            panel.gridPos = GridPos(h=8, w=12, x=12 * (index % 2), y=y + 8 * (index // 2))
            panels.append(panel)
        y += 8 * ((len(row) + 1) // 2)
    return Dashboard(
        title="riskd", uid="riskd-overview", tags=["riskd"], timezone="utc", refresh="30s",
        description="Generated by deploy/prometheus/generate.py; do not edit by hand.",
        templating=templating(), panels=panels,
    ).auto_panel_ids()
