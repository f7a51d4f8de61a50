#!/usr/bin/env python3
"""Times `handout build` of a generated 200-handout catalog (PDF, EPUB, SMS, web page) whole and split into 2 and 4 shares
(`--shard K/N`), each share cold, as one job of a CI matrix would run it. Medians of --runs.

    python3 bench/shards.py [--handouts 200] [--runs 3] [--binary target/release/handout]
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import catalog  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--handouts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(catalog.REPO, "target", "release", "handout"))
    args = parser.parse_args()
    root = tempfile.mkdtemp()
    catalog.make_catalog(root, args.handouts)

    def cold(extra):
        shutil.rmtree(os.path.join(root, "out"), ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([args.binary, "build", "-q", "-o", "out", *catalog.PROFILES, "--profile", "web", *extra], cwd=root, check=True, capture_output=True)
        return time.perf_counter() - start

    for n in (1, 2, 4):
        shares = []
        for k in range(1, n + 1):
            extra = [] if n == 1 else ["--shard", f"{k}/{n}"]
            shares.append(statistics.median(cold(extra) for _ in range(args.runs)))
        print(f"{n} shard(s): slowest share {max(shares):.2f} s, shares {', '.join(f'{s:.2f}' for s in shares)} s")
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
