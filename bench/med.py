#!/usr/bin/env python3
"""Median wall time, CPU time and peak RSS of N runs of one command: `python3 bench/med.py N [--pre "shell command run before each"] -- command...`"""
import os, sys, time, statistics, subprocess
args = sys.argv[1:]
n = int(args.pop(0)); pre = None
if args[0] == "--pre": args.pop(0); pre = args.pop(0)
if args[0] == "--": args.pop(0)
walls, cpus, rss = [], [], []
for _ in range(n):
    if pre: subprocess.run(pre, shell=True, check=True)
    t = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    walls.append(time.perf_counter() - t); cpus.append(ru.ru_utime + ru.ru_stime); rss.append(ru.ru_maxrss / 1024)
    if status: print("exit", status, file=sys.stderr)
print(f"wall {statistics.median(walls)*1000:.1f} ms (min {min(walls)*1000:.1f} max {max(walls)*1000:.1f})  cpu {statistics.median(cpus)*1000:.1f} ms  rss {max(rss):.0f} MB")
