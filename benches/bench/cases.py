"""The benchmark itself: the cases (one report, the peer pipeline, packs, batches, memory), the
table, the ratios and the budget lines. Uses the other modules; prints to standard error and
standard output as the command always has."""

import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from .config import BUDGET_FLAT_MEMORY, BUDGET_J2_SPEEDUP, BUDGET_PACK20_S, BUDGET_PACK60_MB, BUDGET_PACK60_S, BUDGET_PEER_RATIO, GROSS_PACK20_MB, GROSS_PACK20_S, GROSS_REPORT_S, REPORT, ROOT, TIME_BIN
from .measure import pdf_pages, run_concurrently, run_measured, wait_for_quiet
from .inputs import write_meeting, write_reports
from .markdown import tree_to_markdown


def in_turn(rounds):
    """A ratio measured in turn, as printed: the median of the rounds' ratios, then, in an open
    parenthesis the caller closes, how many rounds and their spread."""
    paired = f"{statistics.median(rounds):.2f}x" if rounds else "n/a"
    spread = f", rounds {min(rounds):.2f}-{max(rounds):.2f}x" if len(rounds) > 1 else ""
    return f"{paired} (median of {len(rounds)} rounds run in turn{spread}"


class Case:
    def __init__(self, group, name, pages, runs, note=""):
        self.group, self.name, self.pages, self.runs, self.note = group, name, pages, runs, note

    def ok(self):
        return bool(self.runs) and all(r.rc == 0 for r in self.runs)

    def med(self, attr="wall"):
        return statistics.median(getattr(r, attr) for r in self.runs) if self.runs else float("nan")

    def min(self):
        return min(r.wall for r in self.runs) if self.runs else float("nan")

    def rss_mb(self):
        return max(r.rss_kb for r in self.runs) / 1024 if self.runs else float("nan")

    def per_page(self):
        return self.med() / self.pages if self.pages else float("nan")

    def other(self):
        v = [r.other_cores for r in self.runs if r.other_cores is not None]
        return statistics.median(v) if v else None


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.runs = 1 if args.quick else max(1, args.runs)
        self.cases = {}
        self.failures = []
        self.skipped = []
        self.tmp = Path(tempfile.mkdtemp(prefix="cabrep-bench-"))
        self.have_time = os.access(TIME_BIN, os.X_OK)
        self.sizes = {}

    def log(self, msg):
        print(msg, file=sys.stderr, flush=True)

    # -- helpers --------------------------------------------------------------------------------

    def measure(self, key, group, name, cmd, pages=None, runs=None, cwd=None, env=None, after=None, warmup=False,
                together=None, before=None):
        """Runs cmd `runs` times (after one unmeasured warm-up when asked); pages from `after`.
        With `together` (a list of commands) instead of cmd, runs them all at once each time.
        `before`, when given, is called ahead of each run, untimed (an edit to rebuild after)."""
        runs = runs or self.runs
        self.log(f"-- {name}: {runs} run(s)")
        if warmup:
            run_measured(cmd, cwd=cwd, env=env)
        measured = []
        for _ in range(runs):
            if before is not None:
                before()
            wait_for_quiet(self.args.wait_idle, self.log)
            r = run_concurrently(together, cwd=cwd) if together else run_measured(cmd, cwd=cwd, env=env)
            measured.append(r)
            if r.rc != 0:
                shown = " & ".join(" ".join(map(str, c)) for c in together) if together else " ".join(map(str, cmd))
                self.failures.append((name, shown, r.rc, r.stderr.strip()[-2000:]))
                self.log(f"   FAILED (exit {r.rc}): {shown}\n{r.stderr.strip()[-2000:]}")
                break
        if pages is None and after is not None and measured and measured[-1].rc == 0:
            pages = after(measured[-1])
        case = Case(group, name, pages or 0, measured)
        self.cases[key] = case
        return case

    def measure_in_turn(self, cases, runs=None):
        """Measures several cases in turn, one run of each per round, so that a ratio between them
        is taken under the same machine state rather than minutes apart. `cases` holds tuples of
        (key, group, name, cmd, after)."""
        runs = runs or self.runs
        names = " / ".join(c[2] for c in cases)
        self.log(f"-- in turn, {runs} round(s): {names}")
        measured = {c[0]: [] for c in cases}
        for _ in range(runs):
            for key, _group, name, cmd, _after in cases:
                if measured[key] and measured[key][-1].rc != 0:
                    continue
                wait_for_quiet(self.args.wait_idle, self.log)
                r = run_measured(cmd)
                measured[key].append(r)
                if r.rc != 0:
                    shown = " ".join(map(str, cmd))
                    self.failures.append((name, shown, r.rc, r.stderr.strip()[-2000:]))
                    self.log(f"   FAILED (exit {r.rc}): {shown}\n{r.stderr.strip()[-2000:]}")
        for key, group, name, _cmd, after in cases:
            runs_of = measured[key]
            pages = after(runs_of[-1]) if after is not None and runs_of and runs_of[-1].rc == 0 else 0
            self.cases[key] = Case(group, name, pages or 0, runs_of)

    def cabrep(self, *a):
        return [str(self.bin)] + [str(x) for x in a]

    # -- set-up ---------------------------------------------------------------------------------

    def setup(self):
        if not self.args.no_build:
            # `--tests`: the dependencies' features as the tests build them, so a benchmark after
            # the tests (or the tests after it) does not compile the typesetter again.
            self.log("-- cargo build --release --tests")
            p = subprocess.run(["cargo", "build", "--release", "--tests", "-q"] + (["--locked"] if self.args.locked else []), cwd=ROOT)
            if p.returncode != 0:
                self.failures.append(("cargo build --release", "cargo build --release", p.returncode, ""))
                raise SystemExit(self.finish_failed("cargo build --release failed"))
        src = Path(self.args.bin) if self.args.bin else ROOT / "target" / "release" / "cabrep"
        if not src.exists():
            raise SystemExit(self.finish_failed(f"no binary at {src} (run without --no-build)"))
        # A private copy: a concurrent `cargo build` cannot replace the binary mid-run.
        self.bin = self.tmp / "cabrep"
        shutil.copy2(src, self.bin)
        self.bin_info = f"{src} ({time.strftime('%Y-%m-%d %H:%M', time.localtime(src.stat().st_mtime))})"
        if not self.have_time:
            self.skipped.append(f"{TIME_BIN} is missing (Debian: apt-get install time): peak memory comes from "
                                "the kernel's rusage of each child instead")

    def finish_failed(self, msg):
        self.log(f"benches/run: {msg}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        return 3 if not self.quick else 1

    # -- the cases ------------------------------------------------------------------------------

    def single_report(self):
        out = self.tmp / "single"
        pages = {}

        def count(_):
            if "p" not in pages:
                pdf = out / "powering-our-future.pdf"
                pages["p"] = pdf_pages(pdf) if pdf.exists() else 0
            return pages["p"]

        # PDF first, so the page count is known for the DOCX case too.
        for fmt, key in (("pdf", "r_pdf"), ("docx", "r_docx"), ("docx,pdf", "r_both")):
            label = {"docx": "DOCX", "pdf": "PDF", "docx,pdf": "DOCX+PDF"}[fmt]
            self.measure(key, "one report", f"cabrep report -> {label}",
                         self.cabrep("build", REPORT, "-o", out, "-f", fmt, "-q"), after=count, warmup=not self.quick)
        for key in ("r_pdf", "r_docx", "r_both"):
            self.cases[key].pages = pages.get("p", 0)

    def peer(self):
        pandoc, soffice = shutil.which("pandoc"), shutil.which("soffice") or shutil.which("libreoffice")
        if self.quick:
            self.skipped.append("peer pipeline (pandoc + LibreOffice): not run in --quick mode")
            return
        if not pandoc:
            self.skipped.append("peer pipeline: pandoc is missing (Debian: apt-get install pandoc) - skipped entirely")
            return
        work = self.tmp / "peer"
        work.mkdir()
        p = subprocess.run(self.cabrep("build", REPORT, "-o", work, "-f", "tree", "-q"), capture_output=True, text=True)
        if p.returncode != 0:
            self.failures.append(("cabrep -f tree", "cabrep build -f tree", p.returncode, p.stderr))
            return
        tree = json.loads((work / "powering-our-future.tree.json").read_text(encoding="utf-8"))
        md = work / "report.md"
        md.write_text(tree_to_markdown(tree), encoding="utf-8")
        ref = self.a4_reference(pandoc, work)
        docx = work / "report.docx"
        cmd = [pandoc, "-f", "markdown", "-t", "docx", "-o", docx, md] + (["--reference-doc", ref] if ref else [])
        self.measure("p_pandoc", "peer", "pandoc Markdown -> DOCX", cmd, warmup=True)
        if not soffice:
            self.skipped.append("peer pipeline: soffice (LibreOffice) is missing (Debian: apt-get install "
                                "libreoffice-writer-nogui) - DOCX -> PDF skipped")
            return
        profile = work / "lo-profile"
        outdir = work / "pdf"
        lo = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
              "--convert-to", "pdf", "--outdir", outdir, docx]
        pdf = outdir / "report.pdf"
        # First start: a fresh profile is created (one run by definition), then warm runs.
        self.measure("p_lo_cold", "peer", "soffice DOCX -> PDF, first start (fresh profile)", lo, runs=1,
                     after=lambda _: pdf_pages(pdf) if pdf.exists() else 0)
        self.measure("p_lo_warm", "peer", "soffice DOCX -> PDF, warm profile", lo,
                     after=lambda _: pdf_pages(pdf) if pdf.exists() else 0)
        pages = self.cases["p_lo_warm"].pages
        self.cases["p_pandoc"].pages = pages
        if pdf.exists() and not pages:
            self.skipped.append("peer PDF page count unknown")

    def a4_reference(self, pandoc, work):
        """pandoc's own reference.docx with the page set to A4 and 25 mm margins (cabrep's page), so
        that the page counts compare. None when pandoc cannot print its default."""
        import zipfile
        p = subprocess.run([pandoc, "--print-default-data-file", "reference.docx"], capture_output=True)
        if p.returncode != 0 or not p.stdout:
            return None
        raw = work / "default-reference.docx"
        raw.write_bytes(p.stdout)
        ref = work / "reference.docx"
        with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(ref, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == "word/document.xml":
                    xml = data.decode("utf-8")
                    # pandoc's reference has an empty section (LibreOffice then uses Letter).
                    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417" '
                            'w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>')
                    xml = re.sub(r"<w:sectPr\s*/>|<w:sectPr\b.*?</w:sectPr>", sect, xml, flags=re.S)
                    data = xml.encode("utf-8")
                zout.writestr(item, data)
        return ref

    def packs(self):
        sizes = (20,) if self.quick else (20, 60, 180)
        for n in sizes:
            folder = self.tmp / f"pack{n}"
            meeting = write_meeting(folder, n)
            out = folder / "out"

            def count(r, out=out):
                m = re.search(r"\((\d+) pages\)", r.stderr)
                if m:
                    return int(m.group(1))
                pdf = out / "meeting-pack.pdf"
                return pdf_pages(pdf) if pdf.exists() else 0

            # Not -q: the summary line carries the page count. Cold: no cached parts.
            runs = 1 if n == 180 else None
            self.measure(f"pack{n}", "pack", f"cabrep pack, {n} reports, DOCX+PDF (cold)",
                         self.cabrep("pack", meeting, "-o", out, "-f", "docx,pdf", "--no-cache"), after=count, runs=runs)
            if n == 180:
                # The same pack again, PDF only as the floors are: cold, then with every part
                # cached and nothing edited.
                cold = ("pack180_pdf", "pack", "cabrep pack, 180 reports, PDF (cold)",
                        self.cabrep("pack", meeting, "-o", out, "-f", "pdf", "--no-cache"), count)
                warm = self.cabrep("pack", meeting, "-o", out, "-f", "pdf")
                self.pack_floors(folder, cold, warm, count)
                continue
            for j in (1, 2):
                self.measure(f"pack{n}_j{j}", "pack", f"cabrep pack, {n} reports, PDF, -j {j} (cold)",
                             self.cabrep("pack", meeting, "-o", out, "-f", "pdf", "--no-cache", "-j", j), after=count)
            # A rebuild after editing one report: the cache holds the others' parts.
            warm = self.cabrep("pack", meeting, "-o", out, "-f", "pdf")
            run_measured(warm)
            # The first report's title is edited before each run, and the edit is not timed: only
            # the rebuild is. Each run's title is new and as long as the last (the report's own
            # title with a new six-digit number): one edit, not a title growing run by run.
            edited = sorted(folder.glob("r[0-9][0-9][0-9]-*.yaml"))[0]
            first = re.search(r"^title: (.*)$", edited.read_text(), flags=re.M)
            if first is None:
                raise SystemExit(f"benches/run: no top-level `title:` line in {edited} to edit")

            def edit(p=edited, title=first.group(1)):
                new = f"title: {title} (edit {time.time_ns() % 1000000:06d})"
                text, k = re.subn(r"^title: .*$", lambda _: new, p.read_text(), count=1, flags=re.M)
                if k != 1:
                    raise SystemExit(f"benches/run: no top-level `title:` line in {p} to edit")
                p.write_text(text)

            self.measure(f"pack{n}_edit", "pack", f"cabrep pack, {n} reports, PDF, after editing one report",
                         warm, after=count, before=edit)
            pdf = out / "meeting-pack.pdf"
            parts = sum(f.stat().st_size for f in (out / ".cabrep-cache").rglob("*.part"))
            if pdf.exists() and parts:
                self.sizes[n] = (pdf.stat().st_size, parts)

    def pack_floors(self, folder, cold, warm, count):
        """The floors the 180-report pack is held against, in the same run: its reports typeset as a
        batch, and the batch's PDFs joined by `qpdf --empty --pages` (no structure merge). Each
        ratio a target is set on is taken from runs in turn, a run of each per round: the cold pack
        (`cold`) and the batch build, then the pack with every part cached (`warm`) and qpdf's
        merge."""
        batch = self.tmp / "floor180"
        batch.mkdir(parents=True, exist_ok=True)
        for p in folder.glob("*.yaml"):
            if p.name != "meeting.yaml":
                shutil.copy(p, batch / p.name)
        out = batch / "out"
        floor = ("floor180_batch", "pack", "cabrep build of the same 180 reports, PDF (floor)",
                 self.cabrep("build", batch, "-o", out, "-f", "pdf"), None)
        self.measure_in_turn([cold, floor], runs=max(3, self.runs))
        run_measured(warm)
        cached = ("pack180_cached", "pack", "cabrep pack, 180 reports, PDF, every part cached, nothing edited", warm, count)
        if shutil.which("qpdf"):
            merged = shlex.quote(str(batch / "qpdf.pdf"))
            qpdf = ("floor180_qpdf", "pack", "qpdf --empty --pages of those PDFs (floor)",
                    ["sh", "-c", f"qpdf --empty --pages {shlex.quote(str(out))}/*.pdf -- {merged}"], None)
            self.measure_in_turn([cached, qpdf], runs=max(3, self.runs))
        else:
            self.measure_in_turn([cached], runs=3)

    def batches(self):
        n = 8 if self.quick else 40
        small = 4 if self.quick else 20
        folder = self.tmp / f"batch{n}"
        write_reports(folder, n)

        def count(_, out):
            return sum(pdf_pages(p) for p in sorted(out.glob("*.pdf")))

        for j in (1, 2):
            out = self.tmp / f"batch{n}-j{j}"
            self.measure(f"batch_j{j}", "batch", f"cabrep build, {n} reports, -j {j}",
                         self.cabrep("build", folder, "-o", out, "-j", j, "-q"), after=lambda r, out=out: count(r, out))
        # The machine's own ceiling for -j 2: the same reports as two independent -j 1 processes, at
        # once, each on half of them (no shared state at all: only the cores, caches and memory).
        halves = []
        for h in (0, 1):
            hf = self.tmp / f"batch{n}-half{h}"
            hf.mkdir()
            shutil.copy(folder / "missions.yaml", hf / "missions.yaml")
            for k, name in enumerate(sorted(p.name for p in folder.glob("r*.yaml"))):
                if k % 2 == h:
                    shutil.copy(folder / name, hf / name)
            halves.append(hf)
        outs = [self.tmp / f"batch{n}-half{h}-out" for h in (0, 1)]
        self.measure("batch_pair", "batch", f"2 processes at once, {n // 2} reports each, -j 1", None,
                     together=[self.cabrep("build", halves[h], "-o", outs[h], "-j", 1, "-q") for h in (0, 1)],
                     after=lambda r: sum(count(r, o) for o in outs))
        # Memory against batch size: the same -j 2 over half as many reports.
        sfolder = self.tmp / f"batch{small}"
        write_reports(sfolder, small)
        out = self.tmp / f"batch{small}-j2"
        self.measure("batch_small_j2", "batch", f"cabrep build, {small} reports, -j 2",
                     self.cabrep("build", sfolder, "-o", out, "-j", 2, "-q"), after=lambda r: count(r, out))

    def preview(self):
        """`cabrep serve` of the reference report in headless Chromium: the title rewritten on disk
        N times (at least 10), each timed from the write to the page showing it
        (tests/tools/preview_latency.mjs). One case, one run a save."""
        node, chromium = shutil.which("node"), os.environ.get("CHROMIUM") or shutil.which("chromium")
        if self.quick:
            return
        if not node or not chromium:
            self.skipped.append("node or chromium is missing: no preview case")
            return
        work = self.tmp / "preview"
        work.mkdir()
        for name in ("powering-our-future.yaml", "missions.yaml"):
            shutil.copy2(ROOT / "inputs" / name, work / name)
        paper = work / "powering-our-future.yaml"
        saves = max(10, 2 * self.runs)
        self.log(f"-- preview: save to updated page, {saves} saves")
        wait_for_quiet(self.args.wait_idle, self.log)
        server = subprocess.Popen(self.cabrep("serve", paper, "--port", 0), stderr=subprocess.PIPE, text=True)
        try:
            line = ""
            for line in server.stderr:
                if line.startswith("serving "):
                    break
            url = line.split()[1] if line.startswith("serving ") else ""
            p = subprocess.run([node, "--experimental-websocket", str(ROOT / "tests/tools/preview_latency.mjs"), url,
                                str(paper), "Powering Our Future – Programme Update", str(saves), str(work / "profile")],
                               capture_output=True, text=True, timeout=600)
        finally:
            server.kill()
            server.wait()
        if p.returncode != 0 or not url:
            self.failures.append(("preview", "tests/tools/preview_latency.mjs", p.returncode, p.stderr.strip()[-2000:]))
            return
        ms = json.loads(p.stdout.strip().splitlines()[-1])["ms"]
        runs = [SimpleNamespace(wall=m / 1000, cpu=0.0, rss_kb=0, rc=0, other_cores=None) for m in ms]
        self.cases["preview"] = Case("preview", "cabrep serve: save to updated page", 0, runs)

    # -- output ---------------------------------------------------------------------------------

    def table(self):
        rows = [("case", "pages", "runs", "median s", "min s", "ms/page", "CPU s", "peak MB", "other load")]
        for c in self.cases.values():
            other = c.other()
            rows.append((
                c.name + ("" if c.ok() else "  [FAILED]"),
                str(c.pages or "-"),
                str(len(c.runs)),
                f"{c.med():.3f}",
                f"{c.min():.3f}",
                f"{1000 * c.per_page():.1f}" if c.pages else "-",
                f"{c.med('cpu'):.2f}",
                f"{c.rss_mb():.0f}",
                f"{other:.2f}" if other is not None else "-",
            ))
        peer = self.peer_total()
        if peer:
            for label, (secs, pages) in peer.items():
                rows.append((label, str(pages), "-", f"{secs:.3f}", "-", f"{1000 * secs / pages:.1f}", "-", "-", "-"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = []
        for k, r in enumerate(rows):
            lines.append("  ".join(r[0].ljust(widths[0]) if i == 0 else r[i].rjust(widths[i]) for i in range(len(r))))
            if k == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def peer_total(self):
        c = self.cases
        if not all(k in c and c[k].ok() and c[k].pages for k in ("p_pandoc", "p_lo_warm", "p_lo_cold")):
            return None
        return {
            "peer DOCX+PDF (pandoc + soffice warm)": (c["p_pandoc"].med() + c["p_lo_warm"].med(), c["p_lo_warm"].pages),
            "peer DOCX+PDF (pandoc + soffice first start)": (c["p_pandoc"].med() + c["p_lo_cold"].med(), c["p_lo_cold"].pages),
        }

    def ratios(self):
        c, out = self.cases, []

        def have(*keys):
            return all(k in c and c[k].ok() and c[k].runs for k in keys)

        peer = self.peer_total()
        if peer and have("r_both") and c["r_both"].pages:
            warm_s, warm_pages = peer["peer DOCX+PDF (pandoc + soffice warm)"]
            cold_s, _ = peer["peer DOCX+PDF (pandoc + soffice first start)"]
            mine = c["r_both"]
            out.append(f"per page, cabrep DOCX+PDF is {warm_s / warm_pages / mine.per_page():.0f}x faster than pandoc + LibreOffice "
                       f"(warm; {cold_s / warm_pages / mine.per_page():.0f}x against LibreOffice's first start) "
                       f"[{mine.pages} pages against {warm_pages}]")
            out.append(f"per run, cabrep DOCX+PDF is {warm_s / mine.med():.0f}x faster than pandoc + LibreOffice (warm)")
            if have("r_docx"):
                out.append(f"per page, cabrep DOCX is {c['p_pandoc'].per_page() / c['r_docx'].per_page():.1f}x faster than pandoc alone")
            if have("r_pdf"):
                out.append(f"per page, cabrep PDF (from YAML) is {c['p_lo_warm'].per_page() / c['r_pdf'].per_page():.0f}x faster "
                           f"than soffice DOCX -> PDF (warm)")
            out.append(f"LibreOffice's first start (fresh profile) costs {c['p_lo_cold'].med() - c['p_lo_warm'].med():.2f} s "
                       f"more than a warm run ({c['p_lo_cold'].med():.2f} s against {c['p_lo_warm'].med():.2f} s)")
        if have("r_docx", "r_pdf", "r_both"):
            out.append(f"one report: DOCX+PDF takes {c['r_both'].med() / c['r_pdf'].med():.2f}x the PDF alone; "
                       f"DOCX alone is {c['r_docx'].med() / c['r_both'].med():.0%} of DOCX+PDF")
        if have("pack20", "pack60") and c["pack20"].pages and c["pack60"].pages:
            out.append(f"pack time per page, 60 reports against 20: {c['pack60'].per_page() / c['pack20'].per_page():.2f}x "
                       f"(1.00 = linear); wall {c['pack60'].med() / c['pack20'].med():.2f}x for "
                       f"{c['pack60'].pages / c['pack20'].pages:.2f}x the pages")
        for n in (20, 60):
            if have(f"pack{n}_j1", f"pack{n}_j2"):
                out.append(f"{n}-report pack -j 2 is {c[f'pack{n}_j1'].med() / c[f'pack{n}_j2'].med():.2f}x faster than -j 1 "
                           f"(target 1.6x on 2 cores)")
            if have(f"pack{n}_edit", f"pack{n}_j2"):
                line = (f"{n}-report pack rebuilt after editing one report: {c[f'pack{n}_edit'].med() / c[f'pack{n}_j2'].med():.0%} "
                        f"of a cold build (target 15%, set on the 60-report pack)")
                if have("r_pdf"):
                    # A rebuild typesets the edited report at least: the same report built alone
                    # (process, reading and writing included) is the floor no rebuild goes under.
                    line += (f"; the edited report built alone (cabrep report -> PDF) is "
                             f"{c['r_pdf'].med() / c[f'pack{n}_j2'].med():.0%}")
                out.append(line)
            if n in self.sizes:
                pack_bytes, part_bytes = self.sizes[n]
                out.append(f"{n}-report pack PDF is {pack_bytes / part_bytes:.2f}x the size of its typeset parts "
                           f"({pack_bytes / 1e6:.1f} MB against {part_bytes / 1e6:.1f} MB)")
        if have("pack180", "floor180_batch"):
            line = (f"peak memory, 180-report pack against the batch build of its reports: "
                    f"{c['pack180'].rss_mb() / c['floor180_batch'].rss_mb():.2f}x (target 2x)")
            if have("floor180_qpdf"):
                line += f", against qpdf's merge of their PDFs: {c['pack180'].rss_mb() / c['floor180_qpdf'].rss_mb():.2f}x"
            out.append(line)
        if have("pack180_pdf", "floor180_batch", "floor180_qpdf"):
            # The cold pack and the batch build in turn: each round's pack against that round's
            # batch build and qpdf's median merge, and the median of the rounds.
            merge = c["floor180_qpdf"].med()
            rounds = [a.wall / (b.wall + merge) for a, b in zip(c["pack180_pdf"].runs, c["floor180_batch"].runs)
                      if b.wall + merge > 0]
            floors = c["floor180_batch"].med() + merge
            out.append(f"180-report pack, cold, against its floors (batch build + qpdf merge): {in_turn(rounds)}; "
                       f"target 1.15x; {c['pack180_pdf'].med():.1f} s against {floors:.1f} s)")
        if have("pack180_cached", "floor180_qpdf"):
            # Measured in turn: each round's ratio, and their median.
            rounds = [a.wall / b.wall for a, b in zip(c["pack180_cached"].runs, c["floor180_qpdf"].runs) if b.wall > 0]
            out.append(f"180-report pack, every part cached, against qpdf's merge alone: {in_turn(rounds)}; "
                       f"target 1.5x; {c['pack180_cached'].med():.2f} s against {c['floor180_qpdf'].med():.2f} s)")
        if have("pack180_pdf", "floor180_batch"):
            out.append(f"peak memory, 180-report pack (PDF) against the batch build of its reports: "
                       f"{c['pack180_pdf'].rss_mb() / c['floor180_batch'].rss_mb():.2f}x "
                       f"({c['pack180_pdf'].rss_mb():.0f} MB against {c['floor180_batch'].rss_mb():.0f} MB); "
                       f"every part cached: {c['pack180_cached'].rss_mb() if have('pack180_cached') else float('nan'):.0f} MB")
        if have("pack60", "pack180"):
            out.append(f"peak memory, 180-report pack against 60: {c['pack180'].rss_mb():.0f} MB against "
                       f"{c['pack60'].rss_mb():.0f} MB ({c['pack180'].rss_mb() / c['pack60'].rss_mb():.2f}x; target 1.3x, "
                       f"under 1 GB) for {c['pack180'].pages} pages")
        if have("pack20", "batch_j1") and c["batch_j1"].pages and c["pack20"].pages:
            out.append(f"per page, the 20-report pack costs {c['pack20'].per_page() / c['batch_j1'].per_page():.2f}x "
                       f"a batch build at -j 1 (DOCX+PDF of each report)")
        if have("batch_j1", "batch_j2"):
            out.append(f"batch -j 2 is {c['batch_j1'].med() / c['batch_j2'].med():.2f}x faster than -j 1 "
                       f"(CPU {c['batch_j1'].med('cpu'):.1f} s against {c['batch_j2'].med('cpu'):.1f} s)")
        if have("batch_j1", "batch_pair"):
            out.append(f"the machine's ceiling for -j 2 (two independent -j 1 processes, half the reports each): "
                       f"{c['batch_j1'].med() / c['batch_pair'].med():.2f}x faster than one -j 1")
        if have("batch_j2", "batch_small_j2"):
            out.append(f"batch peak memory, {self.batch_sizes()[1]} reports against {self.batch_sizes()[0]} (-j 2): "
                       f"{c['batch_j2'].rss_mb():.0f} MB against {c['batch_small_j2'].rss_mb():.0f} MB "
                       f"({c['batch_j2'].rss_mb() / c['batch_small_j2'].rss_mb():.2f}x)")
        return out

    def batch_sizes(self):
        return (4, 8) if self.quick else (20, 40)

    def budget(self):
        """(label, status, detail): status PASS, FAIL or SKIP."""
        c, lines = self.cases, []

        def have(*keys):
            return all(k in c and c[k].ok() and c[k].runs for k in keys)

        peer = self.peer_total()
        label = f"per page DOCX+PDF >= {BUDGET_PEER_RATIO:.0f}x faster than pandoc + LibreOffice"
        if peer and have("r_both") and c["r_both"].pages:
            s, p = peer["peer DOCX+PDF (pandoc + soffice warm)"]
            ratio = s / p / c["r_both"].per_page()
            lines.append((label, "PASS" if ratio >= BUDGET_PEER_RATIO else "FAIL", f"{ratio:.0f}x"))
        else:
            lines.append((label, "SKIP", "peer pipeline not measured"))
        for n, limit in ((20, BUDGET_PACK20_S), (60, BUDGET_PACK60_S)):
            label = f"{n}-report pack < {limit:.0f} s wall"
            if have(f"pack{n}"):
                v = c[f"pack{n}"].med()
                lines.append((label, "PASS" if v < limit else "FAIL", f"{v:.2f} s ({c[f'pack{n}'].pages} pages)"))
            else:
                lines.append((label, "SKIP" if f"pack{n}" not in c else "FAIL", "not measured" if f"pack{n}" not in c else "failed"))
        label = f"batch -j 2 >= {BUDGET_J2_SPEEDUP}x faster than -j 1"
        if have("batch_j1", "batch_j2"):
            v = c["batch_j1"].med() / c["batch_j2"].med()
            lines.append((label, "PASS" if v >= BUDGET_J2_SPEEDUP else "FAIL", f"{v:.2f}x"))
        else:
            lines.append((label, "FAIL" if "batch_j1" in c else "SKIP", "failed" if "batch_j1" in c else "not measured"))
        label = f"peak memory < {BUDGET_PACK60_MB / 1024:.0f} GB, 60-report pack"
        if have("pack60"):
            v = c["pack60"].rss_mb()
            lines.append((label, "PASS" if v < BUDGET_PACK60_MB else "FAIL", f"{v:.0f} MB"))
        else:
            lines.append((label, "SKIP", "not measured"))
        small, big = self.batch_sizes()
        label = f"batch peak memory flat: {big} reports <= {BUDGET_FLAT_MEMORY}x {small} reports"
        if have("batch_j2", "batch_small_j2"):
            v = c["batch_j2"].rss_mb() / c["batch_small_j2"].rss_mb()
            lines.append((label, "PASS" if v <= BUDGET_FLAT_MEMORY else "FAIL", f"{v:.2f}x"))
        else:
            lines.append((label, "SKIP", "not measured"))
        return lines

    def gross(self):
        """--quick: the regressions that fail CI. Never timing noise: limits are several times the budget."""
        c, out = self.cases, []
        for name, cmd, rc, err in self.failures:
            out.append(f"{name} failed (exit {rc})")
        if "pack20" in c and c["pack20"].ok():
            if c["pack20"].med() > GROSS_PACK20_S:
                out.append(f"20-report pack took {c['pack20'].med():.1f} s (gross limit {GROSS_PACK20_S:.0f} s)")
            if c["pack20"].rss_mb() > GROSS_PACK20_MB:
                out.append(f"20-report pack peaked at {c['pack20'].rss_mb():.0f} MB (gross limit {GROSS_PACK20_MB:.0f} MB)")
        if "r_both" in c and c["r_both"].ok() and c["r_both"].med() > GROSS_REPORT_S:
            out.append(f"one report to DOCX+PDF took {c['r_both'].med():.1f} s (gross limit {GROSS_REPORT_S:.0f} s)")
        return out

    def machine(self):
        cores = os.cpu_count()
        model = ""
        try:
            m = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
            model = m.group(1).strip() if m else ""
        except OSError:
            pass
        mem = ""
        try:
            m = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
            mem = f", {int(m.group(1)) / 1024 / 1024:.0f} GB RAM" if m else ""
        except OSError:
            pass
        return f"{cores} cores{mem}" + (f", {model}" if model else "")

    def report(self, started):
        print()
        print(f"cabrep benchmark ({'quick' if self.quick else 'full'}; median of {self.runs} run(s) per case)")
        print(f"machine: {self.machine()}; load average {os.getloadavg()[0]:.2f} at the end")
        print(f"binary:  {self.bin_info}")
        print()
        print(self.table())
        print()
        print("'other load': cores used by other processes during the runs (noise; ideally 0.00).")
        rat = self.ratios()
        if rat:
            print()
            print("ratios:")
            for r in rat:
                print(f"  {r}")
        print()
        print("budget:" + ("  (information only in --quick mode: smaller sizes, one run)" if self.quick else ""))
        budget = self.budget()
        for label, status, detail in budget:
            if self.quick:
                # Not a verdict in CI: smaller sizes and one run; only gross regressions fail --quick.
                status = {"PASS": "ok", "FAIL": "over", "SKIP": "skip"}[status]
            print(f"  {status:4}  {label}: {detail}")
        if self.skipped:
            print()
            print("skipped:")
            for s in self.skipped:
                print(f"  {s}")
        if self.failures:
            print()
            print("failed commands:")
            for name, cmd, rc, err in self.failures:
                print(f"  {name}: exit {rc}: {cmd}")
                for line in err.splitlines()[-10:]:
                    print(f"      {line}")
        print()
        print(f"took {time.monotonic() - started:.0f} s")
        if self.args.json:
            data = {
                "mode": "quick" if self.quick else "full",
                "runs": self.runs,
                "machine": self.machine(),
                "cases": {k: {"name": c.name, "pages": c.pages, "median_s": c.med(), "min_s": c.min(),
                              "cpu_s": c.med("cpu"), "peak_mb": c.rss_mb(), "ok": c.ok(),
                              "walls": [r.wall for r in c.runs]} for k, c in self.cases.items()},
                "ratios": rat,
                "budget": [{"line": l, "status": s, "value": d} for l, s, d in budget],
                "skipped": self.skipped,
            }
            Path(self.args.json).write_text(json.dumps(data, indent=2) + "\n")
        if self.quick:
            gross = self.gross()
            if gross:
                print()
                for g in gross:
                    print(f"GROSS REGRESSION: {g}")
                return 1
            print("quick: no gross regression")
            return 0
        if self.failures:
            return 3
        return 1 if any(s == "FAIL" for _, s, _ in budget) else 0

    def main(self):
        started = time.monotonic()
        try:
            self.setup()
            self.single_report()
            self.peer()
            self.packs()
            self.batches()
            self.preview()
            return self.report(started)
        finally:
            if self.args.keep:
                self.log(f"kept {self.tmp}")
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
