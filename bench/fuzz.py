#!/usr/bin/env python3
"""Whole-process fuzzing of `handout check` and `build`: mutated copies of the test fixtures
(bit flips, cut files, and hostile fragments spliced in), each run under a 10 s time limit and
a 1 GB memory limit. Reports cases, minutes, and every run that crashed (exit other than 0, 1
or 2), hung, ran out of memory, or printed a panic.

    python3 bench/fuzz.py --minutes 10 [--binary target/release/handout] [--seed 1]
"""
import argparse, os, random, resource, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FRAGMENTS = [
    "\x1b[2J", "\x00", "\uffff", "\u202e", "{" * 200, "}" * 50, "[@" + "k" * 300 + "]", "> " * 40,
    "  " * 30 + "- x\n", "*" * 100, "![x](" + "../" * 20 + "etc/passwd)", "[x](javascript:alert(1))",
    "<script>alert(1)</script>", "+++", "\n## ", "{#a.b}", "[^n]", "[^n]: note\n", "\"\"\"", "'''",
    "\\u001b", "sms = [\"" + "é" * 500 + "\"]", "layout = \"trifold\"", "columns = 3",
    "summary = \"" + "word " * 3000 + "\"", "bibliography = \"/dev/zero\"", "lang = \"ar\"",
    "| a | b |\n|---|---|\n" + "| x | y |\n" * 50, "http://" + "a" * 500 + ".org",
]


def limits():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def mutate(text: bytes, rng: random.Random) -> bytes:
    data = bytearray(text)
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        at = rng.randint(0, len(data)) if data else 0
        if kind < 0.3 and data:
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        elif kind < 0.4:
            del data[at:at + rng.randint(1, 200)]
        else:
            data[at:at] = rng.choice(FRAGMENTS).encode("utf-8", "surrogatepass")
    return bytes(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--binary", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")), "release", "handout"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    fixtures = [os.path.join(REPO, "tests", "fixtures", f) for f in ("footcare", "long", "arabic", "rich")]
    fixtures.append(REPO)  # the sample
    start, cases, found = time.time(), 0, []
    while time.time() - start < args.minutes * 60:
        source = rng.choice(fixtures)
        with tempfile.TemporaryDirectory() as work:
            for part in ("handout.toml", "content", "assets"):
                path = os.path.join(source, part)
                if os.path.isdir(path):
                    shutil.copytree(path, os.path.join(work, part), symlinks=True)
                elif os.path.isfile(path):
                    shutil.copy(path, work)
            files = [os.path.join(d, f) for d, _, fs in os.walk(work) for f in fs if f.endswith((".md", ".bib", ".toml"))]
            for path in rng.sample(files, min(len(files), rng.randint(1, 2))):
                with open(path, "rb") as f:
                    text = f.read()
                with open(path, "wb") as f:
                    f.write(mutate(text, rng))
            command = rng.choice(["check", "build"])
            try:
                run = subprocess.run([args.binary, command, "--json"], cwd=work, capture_output=True, timeout=10, preexec_fn=limits)
                bad = run.returncode not in (0, 1, 2) or b"panicked" in run.stderr
                if bad:
                    found.append((command, source, run.returncode, run.stderr[-300:]))
            except subprocess.TimeoutExpired:
                found.append((command, source, "timeout", b""))
            cases += 1
    minutes = (time.time() - start) / 60
    print(f"{cases} cases in {minutes:.1f} minutes, seed {args.seed}: {len(found)} found")
    for item in found[:20]:
        print(item)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
