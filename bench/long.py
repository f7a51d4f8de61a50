#!/usr/bin/env python3
"""Whole-process benchmark of one long handout (tests/fixtures/long: over 3,000 words, 16+
sources, a letter PDF of 5+ pages and an EPUB) against the tools people use instead, side by
side in one run, alternating the commands so that the machine's noise falls on all of them:

  - handout build --force: PDF + EPUB (profiles `leaflet` and `booklet`), PDF alone, EPUB alone;
  - handout check and handout build --force on every profile of the handout (check <= build?);
  - Pandoc `--citeproc` to EPUB; Pandoc to HTML + WeasyPrint to PDF; the pair;
  - the `typst` command compiling the same pages from a .typ project that handout writes
    (HANDOUT_TYPST_PROJECT), with the same fonts: the floor for the PDF.

It also prints where the PDF's time goes inside handout (HANDOUT_TIMINGS: layouts made while
fitting, layout, PDF export, finishing). Medians of --runs; raw figures in bench/long-last-run.json.

Usage: python3 bench/long.py [--runs 9] [--binary target/release/handout] [--typst PATH]
"""
import argparse, json, os, re, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import catalog  # noqa: E402

REPO = catalog.REPO


def typst_command(given):
    for candidate in [given, shutil.which("typst"), "/var/tmp/typst-cli/bin/typst"]:
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--binary", default=os.path.join(REPO, "target", "release", "handout"))
    parser.add_argument("--typst", default=None)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    catalog.ensure_tools()
    work = tempfile.mkdtemp()
    shutil.copytree(os.path.join(REPO, "tests", "fixtures", "long"), work, dirs_exist_ok=True)
    md = os.path.join(work, "content", "sleep-and-health.md")
    bib = os.path.join(work, "content", "sleep-and-health.bib")
    csl = os.path.join(REPO, "assets", "styles", "vancouver.csl")
    pair = ["--profile", "leaflet", "--profile", "booklet"]

    # What the PDF is, and where its time goes inside handout.
    traced = subprocess.run([binary, "build", "--force", "-q", "--profile", "leaflet"], cwd=work, capture_output=True, text=True,
                            env={**os.environ, "HANDOUT_TIMINGS": "1", "HANDOUT_TYPST_PROJECT": os.path.join(work, "typst")})
    if traced.returncode != 0:
        raise SystemExit(traced.stderr)
    stages = dict(re.findall(r"(\w+)=([\d.]+)", traced.stderr.split("timings ")[1]))
    pdf = os.path.join(work, "dist", "sleep-and-health", "leaflet.pdf")
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
    words = len(open(md, encoding="utf-8").read().split("\n+++", 2)[-1].split())
    sources = len(re.findall(r"^@\w+\{", open(bib, encoding="utf-8").read(), re.M))

    commands = {
        "handout build: PDF + EPUB": [binary, "build", "--force", "-q", *pair],
        "handout build: PDF (letter)": [binary, "build", "--force", "-q", "--profile", "leaflet"],
        "handout build: EPUB": [binary, "build", "--force", "-q", "--profile", "booklet"],
        "handout build: every profile": [binary, "build", "--force", "-q"],
        "handout check: every profile": [binary, "check"],
    }
    pandoc = ["pandoc", md, "--citeproc", "--bibliography", bib, "--csl", csl]
    if shutil.which("pandoc"):
        commands["pandoc --citeproc: EPUB"] = pandoc + ["-o", "x.epub"]
        commands["pandoc --citeproc: HTML (for WeasyPrint)"] = pandoc + ["-s", "-o", "x.html"]
        if shutil.which("weasyprint"):
            subprocess.run(pandoc + ["-s", "-o", "x.html"], cwd=work, check=True)
            commands["weasyprint: HTML to PDF"] = ["weasyprint", "x.html", "x.pdf"]
    typst = typst_command(args.typst)
    project = os.path.join(work, "typst", "sleep-and-health-leaflet")
    if typst:
        commands["typst compile: the same pages"] = [typst, "compile", "--ignore-system-fonts", "--font-path",
                                                     os.path.join(REPO, "fonts"), os.path.join(project, "handout.typ"),
                                                     os.path.join(work, "typst.pdf")]
    times = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(catalog.timed(command, work))
    median = {name: statistics.median(values) for name, values in times.items()}

    results = {"date": time.strftime("%Y-%m-%d"), "machine": f"{os.cpu_count()} cores", "runs": args.runs,
               "words": words, "sources": sources, "pdfinfo": info, "pdf stages (ms)": stages, "medians (s)": median}
    if typst:
        results["typst"] = subprocess.run([typst, "--version"], capture_output=True, text=True).stdout.strip()
        typst_pages = subprocess.run(["pdfinfo", os.path.join(work, "typst.pdf")], capture_output=True, text=True).stdout
        results["typst pages"] = re.search(r"Pages:\s+(\d+)", typst_pages).group(1) if "Pages" in typst_pages else "?"
    if shutil.which("pandoc"):
        results["pandoc"] = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]

    pages = re.search(r"Pages:\s+(\d+)", info)
    print(f"\nLong handout: {words} words, {sources} sources, leaflet {pages.group(1) if pages else '?'} letter pages; "
          f"medians of {args.runs} ({results['machine']}, {results['date']})")
    ours = median["handout build: PDF + EPUB"]
    for name, seconds in median.items():
        print(f"  {name:44} {seconds * 1000:8.1f} ms   {seconds / ours:5.2f}x handout PDF + EPUB")
    if "pandoc --citeproc: EPUB" in median:
        print(f"  Pandoc EPUB / handout PDF + EPUB: {median['pandoc --citeproc: EPUB'] / ours:.2f}x")
    if "weasyprint: HTML to PDF" in median:
        theirs = median["pandoc --citeproc: EPUB"] + median["pandoc --citeproc: HTML (for WeasyPrint)"] + median["weasyprint: HTML to PDF"]
        print(f"  Pandoc EPUB + Pandoc/WeasyPrint PDF = {theirs * 1000:.0f} ms: {theirs / ours:.1f}x handout PDF + EPUB")
    if typst:
        print(f"  handout PDF / typst compile of the same pages: {median['handout build: PDF (letter)'] / median['typst compile: the same pages']:.2f}x")
    print(f"  check / build (every profile): {median['handout check: every profile'] / median['handout build: every profile']:.2f}x")
    print(f"  inside handout's PDF: {stages}")
    with open(os.path.join(REPO, "bench", "long-last-run.json"), "w") as f:
        json.dump(results, f, indent=2)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
