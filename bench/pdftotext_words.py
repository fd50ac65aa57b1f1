#!/usr/bin/env python3
"""Word recall and precision of `referat text` against `pdftotext`, per file
and over a folder (micro-averaged), plus CPU time of both.

usage: bench/pdftotext_words.py [--referat BIN] [--layout] [--worst N] PDF_OR_DIR...

Words are split at white space with punctuation around them taken off (as
tests/pdftotext.rs does). Files where pdftotext finds no words are left
out. Running headers and page numbers, which referat leaves out on purpose,
count as misses here: read recall as a lower bound. CPU is pdftotext -layout
against referat text, each run once per file (a new process each time).
"""
import argparse, collections, os, resource, shutil, subprocess, sys, tempfile

def words(text):
    bag = collections.Counter()
    for w in text.split():
        w = w.strip(''.join(c for c in set(w) if not c.isalnum()))
        if w:
            bag[w] += 1
    return bag

PERF = shutil.which('perf')

def run(cmd):
    """Run cmd; its stdout and CPU seconds (task-clock of it and all its
    descendants when `perf` is there: referat's extraction child is killed,
    not waited for, so rusage would miss it)."""
    stat = tempfile.NamedTemporaryFile(suffix='.perf')
    # `timeout` inside perf: a killed perf would leave the command running.
    cmd = ['timeout', '-s', 'KILL', '60'] + cmd
    full = ['perf', 'stat', '-x,', '-e', 'task-clock', '-o', stat.name, '--'] + cmd if PERF else cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        p = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=90)
    except subprocess.TimeoutExpired as e:
        p = subprocess.CompletedProcess(cmd, -1, stdout=e.stdout or b'')
    if p.returncode in (-9, 137):
        print(f"  timeout (60 s): {' '.join(cmd[4:])}", file=sys.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if PERF:
        for line in open(stat.name):
            if 'task-clock' in line:
                try:
                    cpu = float(line.split(',')[0]) / 1000.0
                except ValueError:
                    pass
    return p.stdout.decode('utf-8', 'replace'), cpu

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--referat', default=os.path.join(os.path.dirname(__file__), '..', 'target', 'release', 'referat'))
    ap.add_argument('--layout', action='store_true', help='compare words with pdftotext -layout')
    ap.add_argument('--worst', type=int, default=10)
    ap.add_argument('inputs', nargs='+')
    a = ap.parse_args()
    files = []
    for i in a.inputs:
        if os.path.isdir(i):
            files += sorted(os.path.join(i, f) for f in os.listdir(i) if f.lower().endswith('.pdf'))
        else:
            files.append(i)
    tot = collections.Counter()
    cpu = [0.0, 0.0]
    rows = []
    for f in files:
        theirs, _ = run(['pdftotext', '-enc', 'UTF-8'] + (['-layout'] if a.layout else []) + [f, '-'])
        _, t1 = run(['pdftotext', '-layout', f, '/dev/null'])
        ours, t2 = run([a.referat, 'text', f])
        cpu[0] += t1; cpu[1] += t2
        b, o = words(theirs), words(ours)
        if not b:
            continue
        common = sum((b & o).values())
        tot['common'] += common; tot['theirs'] += sum(b.values()); tot['ours'] += sum(o.values())
        rows.append((sum(b.values()) - common, common / sum(b.values()), common / max(1, sum(o.values())), t1, t2, f))
    print(f"files compared: {len(rows)} of {len(files)}")
    print(f"word recall    {tot['common'] / max(1, tot['theirs']):.4f}")
    print(f"word precision {tot['common'] / max(1, tot['ours']):.4f}")
    print(f"CPU: pdftotext -layout {cpu[0]:.2f} s, referat text {cpu[1]:.2f} s, ratio {cpu[1] / max(1e-9, cpu[0]):.2f}")
    print(f"files that lose the most words (of {tot['theirs'] - tot['common']} missed):")
    for m, r, p, t1, t2, f in sorted(rows, reverse=True)[:a.worst]:
        print(f"  missed {m:6d}  recall {r:.3f} precision {p:.3f}  {f}")
    print("slowest against pdftotext (CPU s):")
    for m, r, p, t1, t2, f in sorted(rows, key=lambda x: x[3] - x[4])[:a.worst]:
        print(f"  {t2:.3f} vs {t1:.3f}  {f}")

main()
