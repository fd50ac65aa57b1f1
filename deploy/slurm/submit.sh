#!/usr/bin/env bash
# Submit referat's ingest as a Slurm job array and the merge after it.
#
#   submit.sh [--shards N] [--cpus C] ARCHIVE RESULTS [SBATCH OPTION...]
#   submit.sh --merge [--shards N] [--after JOBID] RESULTS [SBATCH OPTION...]
#
# The first form checks the set-up, submits ingest.sbatch as an array of N
# tasks (default 8) with C CPUs each (default 4), and merge.sbatch with
# --dependency=afterany on the array. The second submits the merge alone:
# after a failed task was requeued, when the first merge already ran and
# found that shard unfinished. SBATCH OPTIONs (--partition, --account, …)
# go to both jobs. REFERAT in the environment names the referat binary
# (default: referat on the PATH); it must be at that path on every node.
# Logs go to referat-ingest-<job>_<task>.log and referat-merge-<job>.log in
# the current folder; a requeued task appends to its log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "submit.sh: $*" >&2; exit 2; }

shards=8 cpus=4 merge_only=0 after=
while [ $# -gt 0 ]; do
  case $1 in
    --shards) shards=${2:?}; shift 2 ;;
    --cpus) cpus=${2:?}; shift 2 ;;
    --merge) merge_only=1; shift ;;
    --after) after=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "--shards must be a positive number, not '$shards'"
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus must be a positive number, not '$cpus'"

# 1. The binary, at one absolute path for every node.
REFERAT=${REFERAT:-$(command -v referat || true)}
[ -n "$REFERAT" ] || die "referat is not on the PATH; set REFERAT to the binary (copy target/release/referat to shared storage, e.g. /shared/bin/referat)"
REFERAT=$(realpath "$REFERAT")
"$REFERAT" --version >/dev/null 2>&1 || die "$REFERAT does not run"
export REFERAT

if [ "$merge_only" = 0 ]; then
  [ $# -ge 2 ] || die "usage: submit.sh [--shards N] [--cpus C] ARCHIVE RESULTS [SBATCH OPTION...]"
  [ -e "$1" ] || die "no such input: $1"
  ARCHIVE=$(realpath "$1"); shift
else
  [ $# -ge 1 ] || die "usage: submit.sh --merge [--shards N] [--after JOBID] RESULTS [SBATCH OPTION...]"
fi
mkdir -p "$1" || die "cannot create $1"
RESULTS=$(realpath "$1"); shift
export RESULTS SHARDS=$shards

submit_merge() {
  local dep=()
  [ -n "$1" ] && dep=(--dependency="afterany:$1" --kill-on-invalid-dep=no)
  local id
  id=$(sbatch --parsable "${dep[@]}" "${@:2}" "$here/merge.sbatch")
  echo "${id%%;*}"  # --parsable prints "id;cluster" on a federation
}

if [ "$merge_only" = 1 ]; then
  mid=$(submit_merge "$after" "$@")
  echo "merge: job $mid${after:+ (after $after)} -> $RESULTS/all"
  exit 0
fi

# 2. CPUs per task: more than the largest node has would pend forever
# (Reason=PartitionConfig) without an error.
partition=()
for ((i = 1; i <= $#; i++)); do
  case ${!i} in
    -p|--partition) j=$((i + 1)); partition=(--partition "${!j}") ;;
    -p?*) partition=(--partition "${!i#-p}") ;;
    --partition=*) partition=(--partition "${!i#--partition=}") ;;
  esac
done
most=$(sinfo -h -o %c "${partition[@]}" 2>/dev/null | tr -dc '0-9\n' | sort -n | tail -n 1)
if [ -n "$most" ] && [ "$cpus" -gt "$most" ]; then
  die "--cpus $cpus: no node has more than $most CPUs; the tasks would never start"
fi

# 3. Submit: the array, then the merge once every task has ended.
export ARCHIVE
jid=$(sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task="$cpus" "$@" "$here/ingest.sbatch")
jid=${jid%%;*}  # "id;cluster" on a federation
mid=$(submit_merge "$jid" "$@") \
  || die "array $jid is submitted, the merge is not; submit it with: $0 --merge --shards $shards --after $jid $RESULTS"
cat <<MSG
ingest: job array $jid, $shards tasks of $cpus CPUs -> $RESULTS/shard-0 … shard-$((shards - 1))
merge:  job $mid, after every task of $jid has ended -> $RESULTS/all
status: $REFERAT status $RESULTS/shard-{0..$((shards - 1))}
A task that failed (or was cancelled, or ran out of memory) is not retried
by Slurm. Requeue it and it resumes from its journal:
  scontrol requeue ${jid}_K
If the merge has already run (it then ended FAILED, saying which shard was
unfinished), submit it again once the task is done:
  $0 --merge --shards $shards --after ${jid} $RESULTS
MSG
