#!/usr/bin/env bash
# Validates the deploy/ manifests offline:
#   1. every built-in Kubernetes resource against the official OpenAPI-derived JSON schemas bundled
#      in the PyPI package kubernetes-validate (strict: unknown fields are errors);
#   2. the ServiceMonitor and PrometheusRule CRDs against the committed subset schemas in deploy/schemas
#      (kubernetes-validate ships no CRD schemas), and the PrometheusRule's groups with `promtool check rules`;
#   3. kustomization.yaml: every listed resource exists, and the layout renders with kustomize (standalone
#      or kubectl's built-in; required, as the Kubernetes tests in Tests/RiskServiceTests require it);
#   4. deploy/prometheus/scrape.yaml wrapped into a prometheus.yml and checked by `promtool check config`;
#   5. riskd's own config files (policy, tokens, PagerDuty secrets) of every layout rendered by kustomize
#      (deploy/kubernetes and deploy/overlays/*), taken from the ConfigMaps and Secrets the workload mounts
#      where its RISKD_* variables point, checked by `riskd check-config` (the server's own parsers).
#      Uses $RISKD_BINARY, else .build/debug/riskd (built if missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
k8s_dir="$here/kubernetes"
KV_VERSION="1.31.0"      # pip package version (pinned)
K8S_VERSION="1.31.0"     # Kubernetes API version to validate against

# Renders a kustomize layout (directory $1) to stdout; a machine without kustomize fails, never skips.
render() {
    if command -v kustomize >/dev/null; then kustomize build "$1"
    elif command -v kubectl >/dev/null; then kubectl kustomize "$1"
    else echo "kustomize or kubectl (with built-in kustomize) is needed to render $1" >&2; return 1; fi
}

if ! python3 -c "import kubernetes_validate, sys; sys.exit(kubernetes_validate.__version__ != '$KV_VERSION')" 2>/dev/null \
   && [ "$(python3 -m pip show kubernetes-validate 2>/dev/null | awk '/^Version:/{print $2}')" != "$KV_VERSION" ]; then
    echo "installing kubernetes-validate==$KV_VERSION"
    python3 -m pip install --quiet "kubernetes-validate==$KV_VERSION"
fi

echo "== kubernetes-validate $KV_VERSION (k8s $K8S_VERSION, strict)"
builtin=()
for f in "$k8s_dir"/*.yaml; do
    case "$(basename "$f")" in
        kustomization.yaml|servicemonitor.yaml|prometheusrule.yaml) ;;
        *) builtin+=("$f") ;;
    esac
done
python3 -m kubernetes_validate -k "$K8S_VERSION" --strict "${builtin[@]}" 2>/dev/null \
    || kubernetes-validate -k "$K8S_VERSION" --strict "${builtin[@]}"

echo "== ServiceMonitor (CRD) against deploy/schemas/servicemonitor-v1.json"
python3 - "$here/schemas/servicemonitor-v1.json" "$k8s_dir/servicemonitor.yaml" <<'PY'
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
for doc in yaml.safe_load_all(open(sys.argv[2])):
    jsonschema.validate(doc, schema)
    print(f"INFO {sys.argv[2]} passed against servicemonitor-v1.json")
PY

echo "== PrometheusRule (CRD) against deploy/schemas/prometheusrule-v1.json, its groups with promtool"
rules_tmp="$(mktemp -d)"
python3 - "$here/schemas/prometheusrule-v1.json" "$k8s_dir/prometheusrule.yaml" "$rules_tmp/groups.yaml" <<'PY'
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
for doc in yaml.safe_load_all(open(sys.argv[2])):
    jsonschema.validate(doc, schema)
    yaml.safe_dump({"groups": doc["spec"]["groups"]}, open(sys.argv[3], "w"))
    print(f"INFO {sys.argv[2]} passed against prometheusrule-v1.json")
PY
promtool check rules "$rules_tmp/groups.yaml"
rm -rf "$rules_tmp"

echo "== kustomization.yaml"
python3 - "$k8s_dir" <<'PY'
import os, sys, yaml
d = sys.argv[1]
k = yaml.safe_load(open(os.path.join(d, "kustomization.yaml")))
assert k["kind"] == "Kustomization", "kind must be Kustomization"
listed = set(k["resources"])
missing = [r for r in listed if not os.path.exists(os.path.join(d, r))]
assert not missing, f"missing resources: {missing}"
unlisted = {f for f in os.listdir(d) if f.endswith(".yaml") and f != "kustomization.yaml"} - listed
assert not unlisted, f"manifests not listed in kustomization.yaml: {sorted(unlisted)}"
print(f"INFO kustomization.yaml lists {len(listed)} resources, all present")
PY
render "$k8s_dir" >/dev/null
echo "INFO kustomize renders deploy/kubernetes"

echo "== promtool check config (scrape.yaml inside a minimal prometheus.yml)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
{
    printf 'global:\n  scrape_interval: 15s\nscrape_configs:\n'
    sed 's/^/  /' "$here/prometheus/scrape.yaml"
} >"$tmp/prometheus.yml"
if ! promtool check config "$tmp/prometheus.yml" 2>"$tmp/err"; then
    cat "$tmp/err" >&2
    if grep -q "field kubernetes_sd_configs not found" "$tmp/err"; then
        # Debian's prometheus/promtool package is built without Kubernetes service discovery, so it
        # cannot parse kubernetes_sd_configs. Check everything else (job, timeouts, relabel rules) by
        # swapping the SD block for a static target; upstream promtool checks the file as is.
        echo "NOTE this promtool lacks Kubernetes SD (Debian build); re-checking with static_configs in its place"
        python3 - "$tmp/prometheus.yml" <<'PY2'
import sys, yaml
path = sys.argv[1]
cfg = yaml.safe_load(open(path))
for job in cfg["scrape_configs"]:
    if job.pop("kubernetes_sd_configs", None) is not None:
        job["static_configs"] = [{"targets": ["riskd.default.svc:80"]}]
yaml.safe_dump(cfg, open(path, "w"), sort_keys=False)
PY2
        promtool check config "$tmp/prometheus.yml"
    else
        exit 1
    fi
fi
echo "== overlays (deploy/overlays/postgres, deploy/overlays/single-node): rendered, then validated strictly"
for overlay in "$here"/overlays/*/; do
    name="$(basename "$overlay")"
    rendered="$tmp/overlay-$name.yaml"
    render "$overlay" >"$rendered"
    # One file per built-in resource (kubernetes-validate has no CRD schemas; the CRDs are checked above).
    python3 - "$rendered" "$tmp/$name" <<'PY4'
import os, sys, yaml
os.makedirs(sys.argv[2], exist_ok=True)
for index, doc in enumerate(d for d in yaml.safe_load_all(open(sys.argv[1])) if d):
    if doc["kind"] not in ("ServiceMonitor", "PrometheusRule"):
        yaml.safe_dump(doc, open(os.path.join(sys.argv[2], f"{index}-{doc['kind']}.yaml"), "w"))
PY4
    python3 -m kubernetes_validate -k "$K8S_VERSION" --strict "$tmp/$name"/*.yaml 2>/dev/null \
        || kubernetes-validate -k "$K8S_VERSION" --strict "$tmp/$name"/*.yaml
done
echo "== riskd check-config on the config files each rendered layout mounts"
repo="$(cd "$here/.." && pwd)"
riskd="${RISKD_BINARY:-$repo/.build/debug/riskd}"
if [ ! -x "$riskd" ]; then
    echo "building riskd (debug) for check-config"
    (cd "$repo" && swift build --product riskd >/dev/null)
fi
for layout in "$k8s_dir" "$here"/overlays/*/; do
    layout="${layout%/}"
    name="$(basename "$layout")"
    rendered="$tmp/config-$name.yaml"
    render "$layout" >"$rendered"
    # Prints `--flag file` lines for riskd check-config: each RISKD_* file variable of each container
    # (env or envFrom ConfigMap) resolved through its volume mount to the ConfigMap or Secret key.
    python3 - "$rendered" "$tmp/config-$name" >"$tmp/config-$name.args" <<'PY5'
import base64, os, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
flags = {"RISKD_CONFIG": "--config", "RISKD_TOKENS_FILE": "--tokens-file",
         "RISKD_PAGERDUTY_ROUTING_KEY_FILE": "--pagerduty-routing-key-file",
         "RISKD_PAGERDUTY_WEBHOOK_SECRETS_FILE": "--pagerduty-webhook-secrets-file"}

def resource(kind, name):
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    if not found:
        sys.exit(f"{kind} {name} is referenced but not rendered")
    return found[0]

def volume_file(volume, key):
    if "configMap" in volume:
        source = resource("ConfigMap", volume["configMap"]["name"])
        data = source.get("data", {})
        if key in data:
            return data[key].encode()
    elif "secret" in volume:
        source = resource("Secret", volume["secret"]["secretName"])
        if key in source.get("stringData", {}):
            return source["stringData"][key].encode()
        if key in source.get("data", {}):
            return base64.b64decode(source["data"][key])
    else:
        sys.exit(f"volume {volume['name']}: only ConfigMap and Secret volumes are resolved")
    sys.exit(f"volume {volume['name']}: no key {key!r} in {source['kind']} {source['metadata']['name']}")

for workload in docs:
    if workload["kind"] not in ("Deployment", "StatefulSet", "DaemonSet"):
        continue
    spec = workload["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for container in spec["containers"]:
        env = {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                env.update(resource("ConfigMap", source["configMapRef"]["name"]).get("data", {}))
        env.update({e["name"]: e["value"] for e in container.get("env", []) if "value" in e})
        for variable, flag in flags.items():
            path = env.get(variable)
            if not path:
                continue
            mounts = [m for m in container.get("volumeMounts", [])
                      if path == m["mountPath"] or path.startswith(m["mountPath"].rstrip("/") + "/")]
            if not mounts:
                sys.exit(f"{workload['kind']} {workload['metadata']['name']}: {variable}={path} is not in a mounted volume")
            mount = max(mounts, key=lambda m: len(m["mountPath"]))
            volume = volumes[mount["name"]]
            key = mount.get("subPath") or os.path.relpath(path, mount["mountPath"])
            for item in (volume.get("configMap") or volume.get("secret") or {}).get("items", []):
                if item["path"] == key:
                    key = item["key"]
            # Named like the path the pod reads, so riskd's report says which file failed.
            target = os.path.join(out, workload["metadata"]["name"], container["name"] + path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(volume_file(volume, key))
            print(flag)
            print(target)
PY5
    mapfile -t args <"$tmp/config-$name.args"
    if [ "${#args[@]}" -eq 0 ]; then echo "NOTE $name sets no riskd config files"; continue; fi
    echo "-- $name"
    "$riskd" check-config "${args[@]}"
done
echo "all deploy manifests valid"
