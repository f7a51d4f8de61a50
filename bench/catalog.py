#!/usr/bin/env python3
"""Whole-process benchmark of `handout build` on generated catalogs, against Pandoc.

Generates N synthetic handouts (about 1,000 words, 16 citations from a shared .bib, a table,
an image; no two share a paragraph), then times, on the same files in one run:
  - handout build: cold (no dist/), warm (nothing changed), after changing one handout;
  - handout on the sample handout, profiles leaflet, booklet and sms (PDF + EPUB + SMS), whole process;
  - Pandoc 2/3 `--citeproc` to EPUB on the sample, and Pandoc + WeasyPrint to PDF.
It installs Pandoc (apt) and WeasyPrint (pip) when missing. Prints medians and ratios.

Usage: python3 bench/catalog.py [--sizes 50,100,200,400] [--runs 5] [--binary target/release/handout]
"""
import argparse, json, os, shutil, statistics, struct, subprocess, sys, tempfile, time, zlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_tools():
    if shutil.which("pandoc") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "pandoc"], check=False)
    if shutil.which("weasyprint") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "weasyprint"], check=False)


def png(width, height):
    rows = b"".join(b"\x00" + b"".join(bytes((x % 256, y % 256, 160)) for x in range(width)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# Words slipped into the prose so that no two handouts share a paragraph: a real catalog's
# handouts differ, and Typst would otherwise reuse the layout of identical paragraphs.
FILLERS = ["really", "simply", "surely", "mostly", "gently", "slowly", "often", "also", "still", "truly",
           "calmly", "partly", "nearly", "safely", "kindly", "fully"]


def vary(text, seed):
    """The handout's text with two filler words slipped between plain words of each prose line."""
    import random
    rng = random.Random(seed)
    front_end = text.index("\n+++", 3)
    head, body = text[:front_end], text[front_end:]
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if not line.strip() or line.lstrip()[:1] in "#|!>[<+":
            continue
        words = line.split(" ")
        spots = [j for j in range(1, len(words)) if words[j - 1].isalpha() and words[j].isalpha()]
        for j in sorted(rng.sample(spots, min(2, len(spots))), reverse=True):
            words.insert(j, rng.choice(FILLERS))
        lines[i] = " ".join(words)
    return head + "\n".join(lines)


def make_catalog(root, n):
    sample = open(os.path.join(REPO, "content", "emotional-numbness.md"), encoding="utf-8").read()
    os.makedirs(os.path.join(root, "content"), exist_ok=True)
    os.makedirs(os.path.join(root, "assets"), exist_ok=True)
    shutil.copy(os.path.join(REPO, "content", "emotional-numbness.bib"), os.path.join(root, "content"))
    shutil.copy(os.path.join(REPO, "handout.toml"), root)
    with open(os.path.join(root, "assets", "figure.png"), "wb") as f:
        f.write(png(300, 200))
    figure = "\n![A chart of how often people feel numb after stress](../assets/figure.png)\n"
    for i in range(n):
        text = sample.replace('title = "Emotional Numbness"', f'title = "Emotional Numbness {i}"\nslug = "handout-{i:04}"')
        text = text.replace("## Signs to watch for", figure + "\n## Signs to watch for", 1)
        with open(os.path.join(root, "content", f"handout-{i:04}.md"), "w", encoding="utf-8") as f:
            f.write(vary(text, i))


# The formats of the catalog: the sample has more profiles (press PDFs, a text series) than a
# catalog's handouts are compared with, so the builds name them.
PROFILES = ["--profile", "leaflet", "--profile", "booklet", "--profile", "sms"]

PEAK_MB = {}


def timed(cmd, cwd, env=None):
    """Wall time of one whole process; its peak memory is kept per program in PEAK_MB."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(cmd)} in {cwd} failed with wait status {status}:\n{errors.read().decode()[-3000:]}")
    PEAK_MB[cmd[0]] = max(PEAK_MB.get(cmd[0], 0), usage.ru_maxrss / 1024)
    return elapsed


def median_of(runs, fn):
    return statistics.median(fn() for _ in range(runs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,100,200,400")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=os.path.join(REPO, "target", "release", "handout"))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    ensure_tools()
    results = {"machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d"), "runs": args.runs}

    # The sample: every default profile, whole process, against Pandoc.
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(os.path.join(REPO, "content"), os.path.join(work, "content"))
        shutil.copy(os.path.join(REPO, "handout.toml"), work)
        md = os.path.join(work, "content", "emotional-numbness.md")
        bib = os.path.join(work, "content", "emotional-numbness.bib")
        csl = os.path.join(REPO, "assets", "styles", "vancouver.csl")
        sample = {}
        sample["handout, all profiles (PDF+EPUB+SMS)"] = median_of(args.runs, lambda: timed([binary, "build", "--force", "-q", *PROFILES, md], work))
        if shutil.which("pandoc"):
            version = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
            results["pandoc"] = version
            pandoc = ["pandoc", md, "--citeproc", "--bibliography", bib, "--csl", csl]
            sample["pandoc --citeproc, EPUB"] = median_of(args.runs, lambda: timed(pandoc + ["-o", "x.epub"], work))
            if shutil.which("weasyprint"):
                def weasy():
                    return timed(pandoc + ["-s", "-o", "x.html"], work) + timed(["weasyprint", "x.html", "x.pdf"], work)
                sample["pandoc + WeasyPrint, PDF"] = median_of(args.runs, weasy)
        results["sample"] = sample

    # Catalogs.
    catalogs = {}
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as work:
            make_catalog(work, n)
            def cold():
                shutil.rmtree(os.path.join(work, "dist"), ignore_errors=True)
                return timed([binary, "build", "-q", *PROFILES], work)
            row = {"cold": median_of(args.runs, cold)}
            row["warm"] = median_of(args.runs, lambda: timed([binary, "build", "-q", *PROFILES], work))
            one = os.path.join(work, "content", "handout-0000.md")
            def touched():
                with open(one, "a", encoding="utf-8") as f:
                    f.write("\nOne more line.\n")
                return timed([binary, "build", "-q", *PROFILES], work)
            row["one changed"] = median_of(args.runs, touched)
            row["peak MB"] = PEAK_MB.pop(binary, 0)
            catalogs[n] = row
    results["catalogs"] = catalogs

    print(f"\nSample handout, whole process, median of {args.runs} ({results['machine']}, {results['date']})")
    base = sample["handout, all profiles (PDF+EPUB+SMS)"]
    for name, seconds in sample.items():
        print(f"  {name:42} {seconds * 1000:8.1f} ms   {seconds / base:5.1f}x handout")
    print(f"\nCatalogs (3 profiles per handout), median of {args.runs}")
    print(f"  {'handouts':>8} {'cold s':>8} {'warm s':>8} {'one changed s':>14} {'ms/handout':>11} {'peak MB':>8}")
    for n, row in catalogs.items():
        print(f"  {n:>8} {row['cold']:8.2f} {row['warm']:8.3f} {row['one changed']:14.3f} {row['cold'] / n * 1000:11.1f} {row['peak MB']:8.0f}")
    with open(os.path.join(REPO, "bench", "last-run.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
