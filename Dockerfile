# syntax=docker/dockerfile:1
# riskd container image: a static-stdlib Swift binary on debian:bookworm-slim.
#
#   docker build -t riskd:dev .
#   docker run --rm -p 8080:8080 --read-only -v riskd-data:/var/lib/riskd riskd:dev
#
# The root filesystem can be read-only: riskd only writes below RISKD_DATA_DIR (a volume).

############################ builder ############################
FROM swift:6.3-bookworm AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev libssl-dev libsqlite3-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first so dependency resolution is cached apart from source edits
# (riskd has no package dependencies, so this is cheap, but keeps the layer order conventional).
# openapi.yaml and Plugins/: the EmbedOpenAPI build plugin compiles the spec into the binary.
COPY Package.swift openapi.yaml ./
COPY Plugins ./Plugins
COPY Sources ./Sources
COPY Tests ./Tests
# .git is not in the build context: pass the commit for riskd_build_info, e.g.
# docker build --build-arg RISKD_REVISION="$(git rev-parse HEAD)" . (an ARG is in RUN's environment).
ARG RISKD_REVISION=unknown
RUN swift build -c release --static-swift-stdlib --product riskd \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/riskd" /out/riskd

############################ runtime ############################
FROM debian:bookworm-slim AS runtime
# libcurl4 + libssl3: riskd links libcurl (outbound PagerDuty) and libcrypto (HMAC) dynamically.
# libsqlite3-0 + libpq5: the state store (--state-url sqlite:// or postgres://).
# ca-certificates: TLS to events.pagerduty.com. curl: the HEALTHCHECK below.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libssl3 libsqlite3-0 libpq5 ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 riskd \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin riskd \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/riskd

COPY --from=builder /out/riskd /usr/local/bin/riskd
COPY --chown=0:0 models /opt/riskd/models

# Defaults; every one can be overridden at run time (-e / Kubernetes env).
# Secrets (tokens, PagerDuty routing key, webhook secrets) are files mounted at run time:
# set RISKD_TOKENS_FILE, RISKD_PAGERDUTY_ROUTING_KEY_FILE, RISKD_PAGERDUTY_WEBHOOK_SECRETS_FILE.
ENV RISKD_HOST=0.0.0.0 \
    RISKD_PORT=8080 \
    RISKD_MODELS_DIR=/opt/riskd/models \
    RISKD_DATA_DIR=/var/lib/riskd \
    RISKD_DRAIN_DELAY=5 \
    RISKD_GRACE_PERIOD=25 \
    RISKD_LOG_LEVEL=info

WORKDIR /opt/riskd
# Outbox, audit log and prediction log live here; mount a volume (or emptyDir) for --read-only.
VOLUME ["/var/lib/riskd"]
USER 10001:10001
# 8081: the probe listener (RISKD_PROBE_PORT, set by deploy/kubernetes), answering /livez and /readyz only.
EXPOSE 8080 8081
STOPSIGNAL SIGTERM
# /livez only says "the process answers"; readiness (model loaded, not draining) is /readyz.
HEALTHCHECK --interval=10s --timeout=2s --start-period=10s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${RISKD_PORT}/livez" || exit 1
ENTRYPOINT ["/usr/local/bin/riskd"]
CMD ["serve"]
