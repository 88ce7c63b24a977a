"""riskd's Prometheus recording and alerting rules, as data.

One definition per rule; generate.py renders them as a rules file and as a PrometheusRule. The SLO
targets here are the only ones: riskd exports good/total counters and computes no burn rate itself.
"""

from dataclasses import dataclass, field

# riskd's own SLOs, per route and method (riskd_sli_*_total{route,method,sli}).
SLO_TARGETS = {"availability": 0.999, "latency": 0.99}

# Windows of the SLI error ratios: every window the SRE Workbook's multiwindow alerts read.
WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]

# Labels the SLIs keep when summed across replicas (pod and instance are summed away).
SLI_LABELS = "namespace, job, route, method, sli"

# (severity, [(burn rate factor, long window, short window), ...]) — SRE Workbook, chapter 5, table 5-8.
BURN_RATE_ALERTS = {
    "Fast": ("page", [(14.4, "1h", "5m"), (6, "6h", "30m")]),
    "Slow": ("ticket", [(3, "1d", "2h"), (1, "3d", "6h")]),
}


@dataclass
class Alert:
    name: str
    expr: str
    severity: str
    summary: str
    description: str
    duration: str = ""
    labels: dict = field(default_factory=dict)


def error_ratio_record(window):
    return f"route_sli:riskd_sli_error:ratio_rate{window}"


def recording_rules(job):
    selector = f'{{job="{job}"}}'
    rules = []
    for window in WINDOWS:
        rules.append({
            "record": error_ratio_record(window),
            "expr": (
                f"1 - (\n"
                f"  sum by ({SLI_LABELS}) (rate(riskd_sli_good_requests_total{selector}[{window}]))\n"
                f"  /\n"
                f"  sum by ({SLI_LABELS}) (rate(riskd_sli_requests_total{selector}[{window}]))\n"
                f")\n"
            ),
        })
    return rules


def burn_rate_alerts():
    alerts = []
    for sli, target in SLO_TARGETS.items():
        budget = round(1 - target, 6)
        for speed, (severity, conditions) in BURN_RATE_ALERTS.items():
            clauses = []
            for factor, long_window, short_window in conditions:
                threshold = f"({factor} * {budget})"
                clauses.append(
                    f"(\n"
                    f'  {error_ratio_record(long_window)}{{sli="{sli}"}} > {threshold}\n'
                    f"  and\n"
                    f'  {error_ratio_record(short_window)}{{sli="{sli}"}} > {threshold}\n'
                    f")"
                )
            windows = " or ".join(f"{factor}x over {long} and {short}" for factor, long, short in conditions)
            good = "answered without a 5xx" if sli == "availability" else "answered within the route's latency objective"
            alerts.append(Alert(
                name=f"Riskd{sli.capitalize()}Burn{speed}",
                expr="\nor\n".join(clauses) + "\n",
                severity=severity,
                labels={"sli": sli},
                summary=f"riskd {{{{ $labels.method }}}} {{{{ $labels.route }}}} burns its {sli} error budget "
                        + ("fast" if speed == "Fast" else "steadily"),
                description=(
                    f"The {sli} SLO ({target * 100:g} % of requests {good}) of {{{{ $labels.method }}}} "
                    f"{{{{ $labels.route }}}} in {{{{ $labels.job }}}} is burning its error budget at "
                    f"{windows} the sustainable rate. Error ratio over the long window: "
                    f"{{{{ $value | humanizePercentage }}}}."
                ),
            ))
    return alerts


def operational_alerts(job):
    by = "namespace, job"
    return [
        Alert(
            name="RiskdDown", expr=f'absent(up{{job="{job}"}} == 1)\n', duration="5m", severity="page",
            summary="No riskd replica is up",
            description=f'Prometheus has scraped no riskd target of job "{job}" successfully for 5 minutes: '
                        "predictions, telemetry and pages are not being served.",
        ),
        Alert(
            name="RiskdTargetDown", expr=f'up{{job="{job}"}} == 0\n', duration="10m", severity="ticket",
            summary="riskd target {{ $labels.instance }} is down",
            description="Prometheus cannot scrape riskd at {{ $labels.instance }} ({{ $labels.job }}) for 10 "
                        "minutes: the replica is gone, crashed, or /metrics does not answer.",
        ),
        Alert(
            name="RiskdNotReady", expr=f'riskd_ready{{job="{job}"}} == 0\n', duration="10m", severity="ticket",
            summary="riskd {{ $labels.instance }} has not been ready for 10 minutes",
            description="/readyz answers 503 on {{ $labels.instance }}: a required model has no serving version, "
                        "durable storage fails, or the replica is stuck starting or draining. It gets no traffic.",
        ),
        Alert(
            name="RiskdOutboxBacklog",
            expr=(
                f'max by ({by}, instance) (riskd_outbox_events_queued{{job="{job}"}}) > 100\n'
                f"or\n"
                f'max by ({by}) (riskd_outbox_store_events_queued{{job="{job}"}}) > 100\n'
            ),
            duration="15m", severity="ticket",
            summary="{{ $value }} riskd outbox events wait for delivery",
            description="More than 100 pages or webhooks have waited for delivery for 15 minutes, in the file "
                        "outbox of {{ $labels.instance }} or (without an instance) in the state store's outbox "
                        "that the replicas share: PagerDuty, Alertmanager or a webhook receiver fails or is slow.",
        ),
        Alert(
            name="RiskdOutboxDeadLetters",
            expr=f'sum by ({by}, instance) (increase(riskd_outbox_dead_letters_total{{job="{job}"}}[30m])) > 0\n',
            severity="page",
            summary="riskd {{ $labels.instance }} gave up delivering outbox events",
            description="Outbox events (pages, resolves, webhooks) exhausted their retries in the last 30 minutes "
                        "and were written to the dead-letter file on {{ $labels.instance }}: someone was not paged.",
        ),
        Alert(
            name="RiskdPredictionLogDropping",
            expr=f'sum by ({by}, instance) (increase(riskd_prediction_log_dropped_total{{job="{job}"}}[15m])) > 0\n',
            severity="ticket",
            summary="riskd {{ $labels.instance }} drops prediction log entries",
            description="The prediction log queue on {{ $labels.instance }} was full and dropped entries in the "
                        "last 15 minutes: the log disk is slow or full. Dropped entries are lost for audits.",
        ),
        Alert(
            name="RiskdPredictionJournalDropping",
            expr=f'sum by ({by}, instance) (increase(riskd_prediction_journal_dropped_total{{job="{job}"}}[15m])) > 0\n',
            severity="ticket",
            summary="riskd {{ $labels.instance }} drops predictions from the outcome journal",
            description="Predictions in the last 15 minutes were not journaled to the state store on "
                        "{{ $labels.instance }}, so their outcomes cannot be joined: the state store is slow.",
        ),
        Alert(
            name="RiskdFallbackRateHigh",
            expr=(
                f"(\n"
                f'  sum by ({by}, model) (rate(riskd_fallback_predictions_total{{job="{job}"}}[10m]))\n'
                f"  /\n"
                f'  sum by ({by}, model) (rate(riskd_predictions_total{{job="{job}"}}[10m]))\n'
                f") > 0.05\n"
            ),
            duration="15m", severity="ticket",
            summary="{{ $value | humanizePercentage }} of {{ $labels.model }} predictions are fallback answers",
            description="More than 5 % of {{ $labels.model }}'s answers for 15 minutes came from its manifest's "
                        "fallback rules instead of the model: no serving version, or clients send too few features.",
        ),
        Alert(
            name="RiskdModelDriftDetected",
            expr=(
                f'max by ({by}, model, version) (riskd_model_drift_breached{{job="{job}"}}) > 0\n'
                f"or\n"
                f'max by ({by}, model, version) (riskd_model_score_ewma_out_of_control{{job="{job}"}}) > 0\n'
            ),
            duration="30m", severity="ticket",
            summary="{{ $labels.model }} version {{ $labels.version }} sees drifted inputs or scores",
            description="For 30 minutes the inputs of {{ $labels.model }} v{{ $labels.version }} breach the "
                        "retraining policy (PSI or mean shift vs. the training reference) or its score EWMA is "
                        "outside its control limits: its predictions may no longer be calibrated.",
        ),
        Alert(
            name="RiskdRetrainingRequested",
            expr=f'sum by ({by}, model) (increase(riskd_retraining_requests_total{{job="{job}"}}[1h])) > 0\n',
            severity="ticket",
            summary="riskd requested retraining of {{ $labels.model }}",
            description="Drift of {{ $labels.model }} breached the retraining policy and riskd sent a "
                        "retraining_requested event in the last hour. Check that the pipeline picked it up.",
        ),
        Alert(
            name="RiskdModelLoadFailed",
            expr=(
                f'sum by ({by}, model) (increase(riskd_model_loads_total{{job="{job}",result="failure"}}[15m])) > 0\n'
                f"or\n"
                f'max by ({by}, model) (riskd_model_versions{{job="{job}",state="failed"}}) > 0\n'
            ),
            severity="ticket",
            summary="A version of {{ $labels.model }} failed to load",
            description="A version of {{ $labels.model }} failed to load or verify (bad artifact, SHA-256 mismatch, "
                        "bad manifest). It is not served; the version that was serving keeps serving.",
        ),
    ]


def alerts(job):
    return burn_rate_alerts() + operational_alerts(job)


def rule_groups(job, runbook_base_url):
    def render(alert):
        rule = {"alert": alert.name, "expr": alert.expr}
        if alert.duration:
            rule["for"] = alert.duration
        rule["labels"] = {"severity": alert.severity, **alert.labels}
        rule["annotations"] = {
            "summary": alert.summary,
            "description": alert.description,
            "runbook_url": f"{runbook_base_url.rstrip('/')}/{alert.name}.md",
        }
        return rule

    everything = alerts(job)
    slo = [a for a in everything if a.name.endswith(("Fast", "Slow"))]
    rest = [a for a in everything if a not in slo]
    return [
        {"name": "riskd-sli-recording", "rules": recording_rules(job)},
        {"name": "riskd-slo-alerts", "rules": [render(a) for a in slo]},
        {"name": "riskd-operational-alerts", "rules": [render(a) for a in rest]},
    ]
