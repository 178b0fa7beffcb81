#!/usr/bin/env bash
# entities.sh - the entities stage on the NER dev set in --stdio mode (no broker): overall and
#   per-type P/R/F1 (shared/tools/ner_score.py), F1 on names never seen as a training entity,
#   tokens/s, model load time and peak RSS (GNU time).
#   bash tests/bench/entities.sh [BUILD_DIR] [-X key=value ...]   (default build/)
#   e.g. bash tests/bench/entities.sh build -X entities.model=    (rule-based finder only)
# With ENT_CV=1 it also checks generalisation the way the held-out test does, without dev: it
#   trains on the even training documents (word lists derived from them only) and scores the
#   odd ones, for the tagger and for the rules (needs BUILD/bin/newsflow-train-ner, ~1 min).
set -euo pipefail
NF_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$NF_ROOT/build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then BUILD=$1; shift; fi
SHARED=${NEWSFLOW_SHARED:-$NF_ROOT/../shared}
DATA=$SHARED/data
TOOLS=$SHARED/tools
BIN=$BUILD/bin/newsflow-entities
[ -f "$DATA/ner-dev.jsonl" ] || { echo "no dev data at $DATA (set NEWSFLOW_SHARED)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
[ -x "$BIN" ] || { echo "build $BIN first (cmake --build $BUILD --target newsflow-entities)" >&2; exit 2; }
TMP=$(mktemp -d /tmp/newsflow-ent.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    r=json.loads(l); print(json.dumps({"id": r["id"], "text": r["text"]}))' \
    "$DATA/ner-dev.jsonl" >"$TMP/in.jsonl"
# tokens as CoNLL counts them, roughly: words, numbers and single punctuation marks
TOKENS=$(python3 -c 'import json,re,sys
print(sum(len(re.findall(r"\w+|[^\w\s]", json.loads(l)["text"])) for l in open(sys.argv[1])))' \
    "$TMP/in.jsonl")

# load time: start-up on empty input (config, word lists, model, patterns)
/usr/bin/time -f "%e %M" -o "$TMP/t0" "$BIN" --stdio "$@" </dev/null >/dev/null 2>"$TMP/log0"
/usr/bin/time -f "%e %M" -o "$TMP/t" "$BIN" --stdio "$@" <"$TMP/in.jsonl" >"$TMP/out.jsonl" \
    2>"$TMP/log"
read -r _ best_rss <"$TMP/t"
# speed: the dev set five times over, best of three runs; CPU time (user + sys) as well as
# wall time, since on a shared machine the wall clock also measures the neighbours
for _ in 1 2 3 4 5; do cat "$TMP/in.jsonl"; done >"$TMP/in5.jsonl"
best=
for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$TMP/t" "$BIN" --stdio "$@" <"$TMP/in5.jsonl" >/dev/null \
        2>"$TMP/log"
    read -r secs us ss <"$TMP/t"
    cpu=$(awk -v u="$us" -v s="$ss" 'BEGIN { print u + s }')
    if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
        best=$cpu
        best_wall=$secs
    fi
done
read -r load_s load_rss <"$TMP/t0"

python3 "$TOOLS/ner_score.py" "$DATA/ner-dev.jsonl" "$TMP/out.jsonl"
cat >"$TMP/unseen.py" <<'EOF'
# F1 restricted to names whose surface form is never a training entity (memorisation check)
import json, sys
seen = set()
for l in open(sys.argv[1], encoding="utf-8"):
    for e in json.loads(l)["entities"]:
        seen.add(e["text"])
gold = {}
for l in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(l)
    gold[r["id"]] = (r["text"], {(e["start"], e["end"], e["type"]) for e in r["entities"]})
M = {"PERSON": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
tp = ng = np = 0
for l in open(sys.argv[3], encoding="utf-8"):
    r = json.loads(l)
    text, g = gold[r["id"]]
    p = {(e["start"], e["end"], M[e["type"]]) for e in r.get("entities", []) if e["type"] in M}
    gu = {x for x in g if text[x[0]:x[1]] not in seen}
    pu = {x for x in p if text[x[0]:x[1]] not in seen}
    tp += len(gu & pu); ng += len(gu); np += len(pu)
P = tp / np if np else 0; R = tp / ng if ng else 0
print("unseen   P %.4f R %.4f F1 %.4f  (%d gold names not seen in train)"
      % (P, R, 2 * P * R / (P + R) if P + R else 0, ng))
EOF
python3 "$TMP/unseen.py" "$DATA/ner-train.jsonl" "$DATA/ner-dev.jsonl" "$TMP/out.jsonl"
awk -v n="$((TOKENS * 5))" -v t="$best" -v w="$best_wall" -v r="$best_rss" -v l="$load_s" \
    -v lr="$load_rss" 'BEGIN {
    printf "speed    %d tokens: %.2f s CPU = %.0f tokens/s; %.2f s wall = %.0f tokens/s " \
        "(one process, --stdio, start-up included)\n", n, t, n / t, w, n / w
    printf "load     %.2f s (start-up on empty input, RSS %.1f MB)\n", l, lr / 1024
    printf "peakRSS  %.1f MB\n", r / 1024 }'

if [ "${ENT_CV:-0}" = 1 ]; then
    TRAINER=$BUILD/bin/newsflow-train-ner
    [ -x "$TRAINER" ] || { echo "ENT_CV=1 needs $TRAINER" >&2; exit 2; }
    python3 -c 'import json,sys
L=open(sys.argv[1], encoding="utf-8").read().splitlines()
open(sys.argv[2] + "/even.jsonl", "w").write("\n".join(L[0::2]) + "\n")
open(sys.argv[2] + "/odd.jsonl", "w").write("\n".join(L[1::2]) + "\n")
open(sys.argv[2] + "/odd-in.jsonl", "w").write("".join(json.dumps({"id": json.loads(l)["id"],
    "text": json.loads(l)["text"]}) + "\n" for l in L[1::2]))' "$DATA/ner-train.jsonl" "$TMP"
    mkdir -p "$TMP/gaz"
    for f in "$NF_ROOT"/config/entities/*.txt; do
        case $(basename "$f") in
            known_*|given_names.txt|common_words.txt) ;;
            *) cp "$f" "$TMP/gaz/" ;;
        esac
    done
    sh "$NF_ROOT/stages/entities/derive_lists.sh" "$TMP/even.jsonl" "$TMP/gaz" >/dev/null 2>&1
    "$TRAINER" --train "$TMP/even.jsonl" --dev "$DATA/ner-dev.jsonl" --gazetteer "$TMP/gaz" \
        --out "$TMP/cv.bin" --seed 1 --ensemble 3 2>"$TMP/cv.log"
    for mode in tagger rules; do
        model=$TMP/cv.bin
        [ $mode = rules ] && model=
        "$BIN" --stdio -X entities.gazetteer_dir="$TMP/gaz" -X entities.model="$model" \
            <"$TMP/odd-in.jsonl" >"$TMP/cv.out" 2>/dev/null
        echo "cv $mode (train on even train docs, score odd ones): $(python3 \
            "$TOOLS/ner_score.py" "$TMP/odd.jsonl" "$TMP/cv.out" | tail -1)"
        python3 "$TMP/unseen.py" "$TMP/even.jsonl" "$TMP/odd.jsonl" "$TMP/cv.out"
    done
fi
