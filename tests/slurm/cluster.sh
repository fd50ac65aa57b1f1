#!/usr/bin/env bash
# Start or stop a one-node Slurm cluster (munged, slurmctld, slurmd) whose
# files all live in one folder, for tests/slurm/run.sh.
#
#   tests/slurm/cluster.sh start DIR   # prints `export SLURM_CONF=DIR/slurm.conf`
#   tests/slurm/cluster.sh stop DIR    # stops the daemons it started, by PID
#
# Needs root (the daemons run as root here) and the Debian packages
# slurm-wlm and munge. The ports (16817, 16818) are not Slurm's defaults,
# and munged listens on its own socket in DIR, so a Slurm or munge already
# running on the machine is not touched.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}

stop() {
  # Reverse order of start; each daemon by the PID it wrote.
  for name in slurmd slurmctld munged; do
    pidfile="$dir/$name.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

start() {
  mkdir -p "$dir/state" "$dir/spool"
  chmod 700 "$dir"
  dir=$(cd "$dir" && pwd)
  # munge: a fresh key, and a socket of our own.
  dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge.key"
  munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
    --seed-file="$dir/munged.seed"
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
  sed -e "s|@DIR@|$dir|g" -e "s|@HOST@|$host|g" -e "s|@CPUS@|$cpus|g" \
      -e "s|@MEM@|$mem|g" -e "s|@CTLD_PORT@|16817|g" -e "s|@SLURMD_PORT@|16818|g" \
      "$here/slurm.conf.in" > "$dir/slurm.conf"
  export SLURM_CONF="$dir/slurm.conf"
  # -c: no state from an earlier cluster in this folder.
  slurmctld -c -f "$SLURM_CONF"
  slurmd -f "$SLURM_CONF" -N "$host"
  # Ready when the node is idle (or the wait times out).
  for _ in $(seq 60); do
    state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
    case $state in idle*|mix*|alloc*) echo "export SLURM_CONF=$SLURM_CONF"; return 0 ;; esac
    sleep 0.5
  done
  echo "cluster.sh: the node did not come up (state '${state:-?}'); logs in $dir" >&2
  tail -n 20 "$dir"/slurmctld.log "$dir"/slurmd.log >&2 || true
  return 1
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) echo "usage: cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
