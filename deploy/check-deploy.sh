#!/usr/bin/env bash
# check-deploy.sh - CI check of the deployment files, which cannot be run where CI runs (no
# Docker engine, no cluster): every YAML file parses (yamllint with deploy/.yamllint, and yq);
# every compose service and Kubernetes container that runs the newsflow image names a binary
# the build produced; every NEWSFLOW_* variable, -X key and config-file key it passes is a key of
# that binary (`<binary> --list-config`), with a valid value; and the files agree with each other
# (topics, consumer groups, metrics port, bootstrap servers, Prometheus targets, securityContext).
#   bash deploy/check-deploy.sh BIN_DIR       e.g. build/bin; ctest runs it (test check_deploy)
# Needs the Debian packages yamllint and yq (deploy/deps.sh test). Exit 0: all good; 1: problems,
# one line each on stderr; 2: usage or missing tools.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=${1:-}
if [ -z "$bin_dir" ] || [ ! -d "$bin_dir" ]; then
    echo "usage: check-deploy.sh BIN_DIR (the build's bin/ with the newsflow-* binaries)" >&2
    exit 2
fi
bin_dir=$(cd "$bin_dir" && pwd)
for tool in yamllint yq jq; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "check-deploy: $tool is missing (apt-get install yamllint yq; deploy/deps.sh test)" >&2
        exit 2
    fi
done

# Keys the deployment files may use before the binaries have them: each entry is "KIND KEY"
# (KIND: stage or tool), with a comment giving the reason; a note is printed each time one is
# used. Remove an entry once the key is in the binaries' --list-config. Empty now: metrics.port,
# the last one, landed with the runner's metrics server.
pending_keys=()

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
problems=0
problem() {
    echo "check-deploy: $*" >&2
    problems=$((problems + 1))
}
note() {
    echo "check-deploy: note: $*"
}

# ---------------------------------------------------------------------------------------------
# (a) every YAML file of the repository parses; each is kept as JSON lines (one a document)
mapfile -t yaml_files < <(cd "$root" && find . \( -path ./.git -o -path './build*' \) -prune -o \
    -type f \( -name '*.yml' -o -name '*.yaml' \) -print | sed 's|^\./||' | sort)
if [ "${#yaml_files[@]}" -eq 0 ]; then
    problem "no YAML files found under $root"
elif ! (cd "$root" && yamllint -c deploy/.yamllint -f parsable "${yaml_files[@]}"); then
    problem "yamllint reports errors (above)"
fi
declare -A json_of=()
mkdir "$tmp/json"
for f in "${yaml_files[@]}"; do
    json_of[$f]=$tmp/json/${f//\//_}.jsonl
    if ! yq -c . "$root/$f" >"${json_of[$f]}" 2>"$tmp/err"; then
        problem "$f: does not load: $(tr '\n' ' ' <"$tmp/err")"
    fi
done
[ "$problems" -eq 0 ] || { echo "check-deploy: $problems problem(s)" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# (b) commands, keys and values against the binaries: every binary's keys, listed once
declare -A has_key=() kind_of=()
built=""
for b in "$bin_dir"/newsflow-*; do
    bin=${b##*/}
    # data-building tools (newsflow-build-idf, newsflow-train-ner) take no configuration and
    # never run in a deployment
    case $bin in newsflow-build-* | newsflow-train-*) continue ;; esac
    built="$built $bin"
    kind_of[$bin]=tool
    if ! keys=$(env -i PATH="$PATH" "$b" --list-config 2>"$tmp/err"); then
        problem "$bin --list-config failed: $(tr '\n' ' ' <"$tmp/err")"
        continue
    fi
    while read -r key _; do
        case $key in '#'* | '') continue ;; esac
        has_key["$bin $key"]=1
        [ "$key" = group.id ] && kind_of[$bin]=stage # a pipeline stage: it has a consumer group
    done <<<"$keys"
done

# known_key BIN KEY WHERE: is KEY a configuration key of BIN (kafka.* always is)?
known_key() {
    local bin=$1 key=$2 where=$3 p
    case $key in kafka.?*) return 0 ;; esac
    [ -n "${has_key["$bin $key"]:-}" ] && return 0
    for p in "${pending_keys[@]}"; do
        if [ "$p" = "${kind_of[$bin]:-} $key" ]; then
            [ -z "$where" ] ||
                note "$where: $key is no key of $bin yet; accepted by the pending allow-list"
            return 0
        fi
    done
    return 1
}

# env_key BIN NAME: the key that variable NAME sets in BIN (NEWSFLOW_ + the key in upper case,
# '.' and '-' as '_'), or nothing; NEWSFLOW_KAFKA_* pass through to librdkafka ("kafka.*")
env_key() {
    local bin=$1 name=$2 hk p key e
    local -a cands=()
    case $name in NEWSFLOW_KAFKA_?*) echo "kafka.*"; return 0 ;; esac
    for hk in "${!has_key[@]}"; do
        [ "${hk%% *}" = "$bin" ] && cands+=("${hk#* }")
    done
    for p in "${pending_keys[@]}"; do
        cands+=("${p#* }")
    done
    for key in "${cands[@]}"; do
        e=${key^^}
        e=${e//./_}
        if [ "$name" = "NEWSFLOW_${e//-/_}" ]; then
            echo "$key"
            return 0
        fi
    done
}

# check_process WHERE JSON: one process, {cmd: [argv], env: [{name, value|null}], confs: {name:
# file}}. Checks the binary and the keys, then runs the binary with the literal env values, the
# -c and -X options and --list-config, which rejects bad values; the effective configuration goes
# to $tmp/effective.
check_process() {
    local where=$1 json=$2 bin arg i n name value key
    local -a argv=() run=() envs=()
    : >"$tmp/effective"
    mapfile -t argv < <(jq -r '.cmd[]' <<<"$json")
    if [ "${#argv[@]}" -eq 0 ]; then
        problem "$where: no command (the image's default is newsflow-clean --help)"
        return
    fi
    bin=${argv[0]##*/}
    if [[ ! $bin =~ ^newsflow-[a-z]+$ ]] || [ ! -x "$bin_dir/$bin" ]; then
        problem "$where: command \"${argv[0]}\" is not a binary the build produces ($built)"
        return
    fi
    run=("$bin_dir/$bin" --list-config)
    n=${#argv[@]}
    for ((i = 1; i < n; i++)); do
        arg=${argv[i]}
        case $arg in
            -X) i=$((i + 1)); arg=${argv[i]:-} ;;
            -X?*) arg=${arg#-X} ;;
            -c | --config)
                i=$((i + 1))
                name=${argv[i]:-}
                value=$(jq -r --arg n "${name##*/}" '.confs[$n] // empty' <<<"$json")
                if [ -z "$value" ]; then
                    problem "$where: -c $name: no such file among the ConfigMaps mounted"
                else
                    run+=(-c "$value")
                fi
                continue ;;
            *) continue ;;
        esac
        key=${arg%%=*}
        if [ "$key" = "$arg" ] || [ -z "$key" ]; then
            problem "$where: -X $arg: not key=value"
        elif ! known_key "$bin" "$key" "$where: -X"; then
            problem "$where: -X $key is no configuration key of $bin (see $bin --list-config)"
        elif [ -n "${has_key["$bin $key"]:-}" ] || [[ $key == kafka.* ]]; then
            run+=(-X "$arg")
        fi
    done
    while IFS=$'\t' read -r name value; do
        case $name in NEWSFLOW_*) ;; *) continue ;; esac
        key=$(env_key "$bin" "$name")
        if [ -z "$key" ]; then
            problem "$where: $name is no configuration key of $bin" \
                "(NEWSFLOW_ + key in upper case, '.' as '_'; see $bin --list-config)"
        elif [ "$key" != "kafka.*" ] && ! known_key "$bin" "$key" "$where: $name"; then
            problem "$where: $name ($key) is no configuration key of $bin"
        elif [ "$value" != "(from)" ]; then
            envs+=("$name=$value")
        fi
    done < <(jq -r '.env[] | [.name, (.value // "(from)" | tostring)] | @tsv' <<<"$json")
    if ! env -i PATH="$PATH" "${envs[@]}" "${run[@]}" >"$tmp/effective" 2>"$tmp/err"; then
        problem "$where: $bin rejects its configuration: $(tr '\n' ' ' <"$tmp/err")"
    fi
}

# effective KEY: the value of KEY in the last check_process's configuration
effective() {
    awk -v k="$1" '$1 == k { print $3 }' "$tmp/effective"
}

is_newsflow_image='(^|/)newsflow(:|@|$)'
checked=0

# --- docker-compose.yml
compose=${json_of[docker-compose.yml]:-}
prom=${json_of[deploy/prometheus.yml]:-/dev/null}
if [ -n "$compose" ]; then
    topic_init=$(jq -r '.services["topic-init"].command // "" | if type == "array" then join(" ")
        else . end' "$compose")
    mapfile -t services < <(jq -r --arg re "$is_newsflow_image" '.services | to_entries[]
        | select((.value.image // "" | test($re)) or .value.build != null) | .key' "$compose")
    for s in "${services[@]}"; do
        where="docker-compose.yml: service $s"
        json=$(jq -c --arg s "$s" '.services[$s] | {
            cmd: (.command // [] | if type == "string" then [splits(" +")] else . end),
            env: (.environment // {} | if type == "array"
                then map(capture("^(?<name>[^=]+)(=(?<value>.*))?$"))
                else to_entries | map({name: .key, value}) end),
            confs: {}, build: (.build != null),
            scalable_bad: ([.container_name, .ports] | map(select(. != null)) | length)
        }' "$compose")
        if [ "$(jq -c .cmd <<<"$json")" = '["true"]' ] && [ "$(jq .build <<<"$json")" = true ]; then
            continue # the build-only service
        fi
        checked=$((checked + 1))
        check_process "$where" "$json"
        [ -s "$tmp/effective" ] || continue
        bin=$(jq -r '.cmd[0]' <<<"$json")
        bin=${bin##*/}
        [ "${kind_of[$bin]}" = stage ] || continue
        if [ "$(jq .scalable_bad <<<"$json")" != 0 ]; then
            problem "$where: a scalable stage must not set container_name or ports"
        fi
        for key in input.topic output.topic dlq.topic; do
            t=$(effective "$key")
            if ! tr -s " \t\n;" "\n" <<<"$topic_init" | grep -qxF -- "$t"; then
                problem "$where: $key $t is not created by the topic-init service"
            fi
        done
        port=$(jq -r '.env[] | select(.name == "NEWSFLOW_METRICS_PORT") | .value' <<<"$json")
        if [ -z "$port" ]; then
            problem "$where: no NEWSFLOW_METRICS_PORT: Prometheus cannot scrape it"
        elif [ "$(jq --arg s "$s" --arg p "$port" '[.scrape_configs[].dns_sd_configs[]?
                | select((.names | index($s)) and (.port | tostring) == $p)]
                | length' "$prom")" = 0 ]; then
            problem "$where: deploy/prometheus.yml has no dns_sd_configs entry for $s port $port"
        fi
    done
fi

# --- Kubernetes manifests: every document of deploy/k8s/*.yaml|yml
k8s=$tmp/k8s.jsonl
for f in "${yaml_files[@]}"; do
    case $f in
        deploy/k8s/*) jq -c --arg f "$f" 'select(. != null) | {file: $f, doc: .}' "${json_of[$f]}" ;;
    esac
done >"$k8s"
# the files the ConfigMaps hold (newsflow.conf etc.), by key
confs='{}'
while IFS=$'\t' read -r cm key; do
    mkdir -p "$tmp/cm/$cm"
    jq -r --arg cm "$cm" --arg k "$key" '
        select(.doc.kind == "ConfigMap" and .doc.metadata.name == $cm)
        | .doc.data[$k]' "$k8s" >"$tmp/cm/$cm/$key"
    confs=$(jq -c --arg k "$key" --arg p "$tmp/cm/$cm/$key" '. + {($k): $p}' <<<"$confs")
    # every key in the file must be some binary's (a typo in another stage's scope is ignored by
    # the binaries that do not own that scope)
    while IFS= read -r ckey; do
        found=0
        for b in "$bin_dir"/newsflow-*; do
            case ${b##*/} in newsflow-build-* | newsflow-train-*) continue ;; esac
            if known_key "${b##*/}" "$ckey" "ConfigMap $cm $key" 2>/dev/null; then
                found=1
                break
            fi
        done
        [ "$found" = 1 ] ||
            problem "ConfigMap $cm: $key: \"$ckey\" is no key of any newsflow binary"
    done < <(sed -n 's/^[[:space:]]*\([A-Za-z0-9_.-]*\)[[:space:]]*=.*/\1/p' "$tmp/cm/$cm/$key")
done < <(jq -r 'select(.doc.kind == "ConfigMap") | .doc.metadata.name as $n
    | .doc.data // {} | keys[] | select(endswith(".conf")) | [$n, .] | @tsv' "$k8s")

mapfile -t workloads < <(jq -c --arg re "$is_newsflow_image" '
    select(.doc.spec.template.spec != null) | .file as $f | .doc.kind as $kind
    | .doc.metadata.name as $name | .doc.spec.template.spec as $pod
    | (.doc.spec.template.metadata.labels // {}) as $labels
    | ($pod.containers + ($pod.initContainers // []))[] | select(.image | test($re))
    | {file: $f, kind: $kind, name: $name, labels: $labels, pod: $pod, c: .}' "$k8s")
for w in "${workloads[@]}"; do
    # everything this loop needs, in one jq run over all documents: fact[name]=value assignments
    facts=$(jq -r -s --argjson w "$w" --argjson confs "$confs" '
        . as $docs | $w.c as $c
        | ([$c.env[]? | select(.name == "NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS")][0]) as $b
        | ([$docs[].doc | select(.kind == "ScaledObject" and .spec.scaleTargetRef.name == $w.name)]
            [0]) as $so
        | ([$so.spec.triggers[]? | select(.type == "kafka")][0].metadata // {}) as $t
        | {
            name: $w.name,
            where: "\($w.file): \($w.kind) \($w.name) container \($c.name)",
            json: ({cmd: (($c.command // []) + ($c.args // [])),
                env: [($c.env // [])[] | {name, value: (if .valueFrom then null else .value end)}],
                confs: $confs} | tojson),
            envfrom: ($c.envFrom != null),
            secure: (($c.securityContext.runAsNonRoot // $w.pod.securityContext.runAsNonRoot) == true
                and $c.securityContext.readOnlyRootFilesystem == true
                and ($c.securityContext.capabilities.drop // [] | index("ALL") != null)),
            port: ([$c.env[]? | select(.name == "NEWSFLOW_METRICS_PORT") | .value][0] // ""),
            cport: ([$c.ports[]? | select(.name == "metrics") | .containerPort][0] // ""),
            live: ($c.livenessProbe.httpGet.port // ""),
            ready: ($c.readinessProbe.httpGet.port // ""),
            bootstrap: (if $b.valueFrom.configMapKeyRef then ($b.valueFrom.configMapKeyRef as $r
                | [$docs[].doc | select(.kind == "ConfigMap" and .metadata.name == $r.name)
                | .data[$r.key]][0]) else $b.value end // ""),
            so: ($so != null),
            so_min: ($so.spec.minReplicaCount // 0),
            so_group: ($t.consumerGroup // ""), so_topic: ($t.topic // ""),
            so_bootstrap: ($t.bootstrapServers // ""),
            pdb: ([$docs[].doc | select(.kind == "PodDisruptionBudget")
                | .spec.selector.matchLabels | select(. != null)
                | select(to_entries | all(.value == $w.labels[.key]))] | length),
        } | to_entries[] | "fact[\(.key)]=\(.value | tostring | @sh)"' "$k8s")
    unset fact
    declare -A fact=()
    eval "$facts"
    where=${fact[where]}
    [ "${fact[envfrom]}" = false ] ||
        problem "$where: envFrom cannot be checked; list the variables under env"
    check_process "$where" "${fact[json]}"
    [ -s "$tmp/effective" ] || continue
    bin=$(jq -r '.cmd[0]' <<<"${fact[json]}")
    bin=${bin##*/}
    [ "${fact[secure]}" = true ] ||
        problem "$where: needs runAsNonRoot, readOnlyRootFilesystem and capabilities drop ALL"
    [ "${kind_of[$bin]}" = stage ] || continue
    name=${fact[name]}
    # metrics port: env, named containerPort and probes agree
    if [ -z "${fact[port]}" ] || [ "${fact[port]}" != "${fact[cport]}" ]; then
        problem "$where: NEWSFLOW_METRICS_PORT (${fact[port]:-unset}) and containerPort" \
            "\"metrics\" (${fact[cport]:-none}) differ"
    fi
    for probe in "livenessProbe ${fact[live]}" "readinessProbe ${fact[ready]}"; do
        p=${probe#* }
        if [ "$p" != metrics ] && [ "$p" != "${fact[port]}" ]; then
            problem "$where: ${probe%% *} must be an httpGet on the metrics port"
        fi
    done
    [ "${fact[pdb]}" != 0 ] || problem "$where: no PodDisruptionBudget selects its pods"
    # the ScaledObject scaling this Deployment watches this stage's group and input topic
    if [ "${fact[so]}" != true ]; then
        problem "$where: no KEDA ScaledObject targets $name"
        continue
    fi
    [ -n "${fact[bootstrap]}" ] || problem "$where: NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS unresolved"
    for check in "consumerGroup|${fact[so_group]}|$(effective group.id)" \
        "topic|${fact[so_topic]}|$(effective input.topic)" \
        "bootstrapServers|${fact[so_bootstrap]}|${fact[bootstrap]}"; do
        IFS='|' read -r field got want <<<"$check"
        if [ "$got" != "$want" ]; then
            problem "ScaledObject for $name: kafka trigger $field is \"$got\"," \
                "the stage's is \"$want\""
        fi
    done
    [ "${fact[so_min]}" -ge 1 ] ||
        problem "ScaledObject for $name: minReplicaCount must be >= 1 (KEDA kafka scaler gotcha)"
done
# kustomization.yaml lists every manifest (except *.example.yaml) and nothing missing
kust=${json_of[deploy/k8s/kustomization.yaml]:-}
if [ -n "$kust" ]; then
    for f in "${yaml_files[@]}"; do
        case $f in deploy/k8s/*) ;; *) continue ;; esac
        b=${f#deploy/k8s/}
        case $b in */* | kustomization.yaml | *.example.yaml) continue ;; esac
        jq -e --arg b "$b" '.resources | index($b)' "$kust" >/dev/null ||
            problem "deploy/k8s/kustomization.yaml does not list $b"
    done
    while IFS= read -r r; do
        [ -e "$root/deploy/k8s/$r" ] || problem "deploy/k8s/kustomization.yaml lists missing $r"
    done < <(jq -r '.resources[]' "$kust")
fi

if [ "$problems" -ne 0 ]; then
    echo "check-deploy: $problems problem(s)" >&2
    exit 1
fi
echo "check-deploy: ${#yaml_files[@]} YAML files parse; $checked compose services and" \
    "${#workloads[@]} Kubernetes containers use real binaries, keys and values"
