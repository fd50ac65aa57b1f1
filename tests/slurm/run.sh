#!/usr/bin/env bash
# The Slurm recipe of docs/batch.md, run on a real one-node Slurm:
#
#   tests/slurm/run.sh REFERAT WORKDIR [COPIES]
#
# starts munged, slurmctld and slurmd (tests/slurm/cluster.sh, files in
# WORKDIR/cluster), makes a corpus of COPIES copies of fixtures/ (default
# 20), ingests it once in one run, submits deploy/slurm/submit.sh from
# another folder (8 array tasks of 1 CPU, the merge after them), kills one
# task's referat with SIGKILL in the middle of its run (as the OOM killer
# would), requeues that task with `scontrol requeue` as the recipe says,
# and checks that
#   - the killed task resumed from its journal (its log, appended to,
#     holds both attempts and "files were already done"),
#   - the merge job waited for it and ended COMPLETED,
#   - `referat status` sees every shard finished under one fingerprint,
#   - the merged records.jsonl is byte-identical to the single run's, and
#     the manifests are identical but for duration_ms.
# The daemons it started are stopped by PID, also when a check fails.
# Needs root and the Debian packages slurm-wlm and munge (.ci/run installs
# them; tests/slurm.rs runs this script).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
referat=$(realpath "${1:?usage: run.sh REFERAT WORKDIR [COPIES]}")
work=${2:?usage: run.sh REFERAT WORKDIR [COPIES]}
copies=${3:-20}
mkdir -p "$work"
work=$(realpath "$work")
begin=$SECONDS
say() { echo "slurm test [$((SECONDS - begin)) s]: $*"; }

fail() {
  echo "slurm test: FAILED: $*" >&2
  squeue -a 2>&1 | sed 's/^/  squeue: /' >&2 || true
  for log in "$work"/submit/*.log "$work"/cluster/slurmctld.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}

trap '"$repo/tests/slurm/cluster.sh" stop "$work/cluster"' EXIT
eval "$("$repo/tests/slurm/cluster.sh" start "$work/cluster")"
say "cluster up ($(sinfo -h -o '%n, %c CPUs, %m MB'))"

# The corpus: copies of the fixtures (minutes and catalogues as text and
# PDF, web pages, case-system exports, layouts of several systems).
for ((i = 0; i < copies; i++)); do
  mkdir -p "$work/corpus/copy-$i"
  cp -r "$repo"/fixtures/. "$work/corpus/copy-$i/"
done
say "corpus: $(find "$work/corpus" -type f | wc -l) files"

# One run over everything, from the repository (the shards are submitted
# from elsewhere: the records must not depend on the folder).
(cd "$repo" && "$referat" ingest "$work/corpus" --out "$work/single" --quiet)
say "single run done"

# Submit the recipe as a user would, from a folder of their own.
mkdir -p "$work/submit"
cd "$work/submit"
# submit.sh refuses what would never run: a binary it cannot find, and more
# CPUs per task than any node has (the tasks would pend for ever).
if out=$(PATH=/usr/bin:/bin REFERAT= "$repo/deploy/slurm/submit.sh" "$work/corpus" "$work/results" 2>&1); then
  fail "submit.sh without a referat binary submitted: $out"
fi
grep -q 'set REFERAT' <<<"$out" || fail "submit.sh without a binary: $out"
if out=$(REFERAT="$referat" "$repo/deploy/slurm/submit.sh" --cpus 4096 "$work/corpus" "$work/results" 2>&1); then
  fail "submit.sh --cpus 4096 submitted: $out"
fi
grep -q 'no node has more than' <<<"$out" || fail "submit.sh --cpus 4096: $out"
[ -z "$(squeue -h)" ] || fail "a refused submission queued jobs"
say "submit.sh refused a missing binary and --cpus 4096"
submitted=$(REFERAT="$referat" "$repo/deploy/slurm/submit.sh" --shards 8 --cpus 1 \
  "$work/corpus" "$work/results")
echo "$submitted" | sed 's/^/  submit.sh: /'
jid=$(sed -n 's/^ingest: job array \([0-9]*\),.*/\1/p' <<<"$submitted")
mid=$(sed -n 's/^merge: *job \([0-9]*\),.*/\1/p' <<<"$submitted")
[ -n "$jid" ] && [ -n "$mid" ] || fail "submit.sh printed no job ids"

state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }

# Wait for a task in the middle of its run (a journal of 10 or more
# records, no records.jsonl yet), stop it there, and kill it.
victim= pid=
deadline=$((SECONDS + 300))
while [ -z "$victim" ]; do
  [ $SECONDS -lt $deadline ] || fail "no task was seen in the middle of its run"
  for k in 0 1 2 3 4 5 6 7; do
    shard=$work/results/shard-$k
    [ -f "$shard/.journal" ] && [ "$(wc -l <"$shard/.journal")" -ge 10 ] || continue
    pid=$(pgrep -f -- "--out $shard --shard" | head -n 1) || continue
    kill -STOP "$pid" 2>/dev/null || continue
    if [ -f "$shard/.journal" ] && [ ! -f "$shard/run.json" ]; then
      victim=$k
      break
    fi
    kill -CONT "$pid" 2>/dev/null || true
  done
  sleep 0.05
done
done_before=$(wc -l <"$work/results/shard-$victim/.journal")
kill -KILL "$pid"
kill -CONT "$pid" 2>/dev/null || true
say "killed task ${jid}_$victim (pid $pid) with SIGKILL after $done_before journal lines"

deadline=$((SECONDS + 60))
until [ "$(state "${jid}_$victim")" = FAILED ]; do
  [ $SECONDS -lt $deadline ] || fail "task ${jid}_$victim is $(state "${jid}_$victim"), not FAILED, after the kill"
  sleep 0.5
done
"$referat" status "$work/results/shard-$victim" && fail "status calls a killed shard finished"
# A merge that starts now (it would, had every other task ended) refuses
# and says what to do.
if out=$(REFERAT="$referat" RESULTS="$work/results" SHARDS=8 bash "$repo/deploy/slurm/merge.sbatch" 2>&1); then
  fail "merge.sbatch merged with shard $victim unfinished"
fi
grep -q "shard-$victim.*unfinished" <<<"$out" && grep -q 'scontrol requeue' <<<"$out" \
  || fail "merge.sbatch with shard $victim unfinished said: $out"
[ ! -e "$work/results/all" ] || fail "merge.sbatch wrote results/all with a shard unfinished"
scontrol requeue "${jid}_$victim"
say "task ${jid}_$victim FAILED; requeued (scontrol requeue ${jid}_$victim)"

# The merge waits for the requeued task, then runs.
deadline=$((SECONDS + 300))
while :; do
  s=$(state "$mid")
  case $s in
    COMPLETED) break ;;
    FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL) fail "merge job $mid ended $s" ;;
  esac
  scontrol show job "$mid" | grep -q 'Reason=DependencyNeverSatisfied' \
    && fail "merge job $mid is stranded: DependencyNeverSatisfied"
  [ $SECONDS -lt $deadline ] || fail "merge job $mid still $s"
  sleep 1
done
say "merge job $mid COMPLETED"

log=$work/submit/referat-ingest-${jid}_$victim.log
[ "$(grep -c '^referat-ingest: task' "$log")" -eq 2 ] \
  || fail "$log does not hold both attempts (--open-mode=append)"
grep -q 'restart 1' "$log" || fail "$log: the second attempt is not a restart"
grep -q 'files were already done' "$log" || fail "$log: the requeued task did not resume from its journal"
echo "  $(grep 'files were already done' "$log")"

"$referat" status "$work"/results/shard-{0..7} >/dev/null || fail "referat status: not every shard finished"
cmp "$work/single/records.jsonl" "$work/results/all/records.jsonl" \
  || fail "merged records.jsonl differs from the single run's"
strip() { sed 's/"duration_ms":[0-9]*//' "$1"; }
diff <(strip "$work/single/manifest.jsonl") <(strip "$work/results/all/manifest.jsonl") >/dev/null \
  || fail "merged manifest.jsonl differs from the single run's"
say "merged records.jsonl byte-identical to the single run ($(wc -l <"$work/single/records.jsonl") records); manifests equal but for duration_ms"
# The merge submitted again (what an operator does when the first one ran
# too early) merges the same again.
rm -rf "$work/results/all"
again=$(REFERAT="$referat" "$repo/deploy/slurm/submit.sh" --merge --shards 8 --after "$jid" "$work/results")
mid2=$(sed -n 's/^merge: job \([0-9]*\).*/\1/p' <<<"$again")
[ -n "$mid2" ] || fail "submit.sh --merge printed no job id: $again"
deadline=$((SECONDS + 120))
until [ "$(state "$mid2")" = COMPLETED ]; do
  [ $SECONDS -lt $deadline ] || fail "resubmitted merge job $mid2 is $(state "$mid2")"
  sleep 0.5
done
cmp "$work/single/records.jsonl" "$work/results/all/records.jsonl" \
  || fail "the resubmitted merge's records.jsonl differs from the single run's"
grep -q 'merged from 8 folders' "$work/submit/referat-merge-$mid2.log" \
  || fail "the merge summary does not say what it merged"
say "resubmitted merge (submit.sh --merge) job $mid2 COMPLETED, records identical"
say "passed in $((SECONDS - begin)) s"
