"""The benchmark's inputs: copies of the example reports, batches of them and meeting files
that bind them into packs. Writes files only into the folder it is given."""

import re
import shutil

from .config import INPUTS


def report_mix(n):
    """The example reports used for n items: mostly the 17-page reference report, a 5-page key
    decision every 20th, and (for n > 1) the 2-page exempt report last, so packs have a Part 2."""
    mix = []
    for i in range(1, n + 1):
        if i == n and n > 1:
            mix.append("land-disposal")
        elif i % 20 == 0:
            mix.append("highways-capital-programme")
        else:
            mix.append("powering-our-future")
    return mix


def write_reports(folder, n):
    """n report copies with distinct titles, and the missions register alongside."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(INPUTS / "missions.yaml", folder / "missions.yaml")
    names = []
    for i, stem in enumerate(report_mix(n), 1):
        text = (INPUTS / f"{stem}.yaml").read_text(encoding="utf-8")
        text, k = re.subn(r"^title: (.*)$", lambda m: f"title: {m.group(1)} (copy {i})", text, count=1, flags=re.M)
        if k != 1:
            raise SystemExit(f"benches/run: no top-level `title:` line in inputs/{stem}.yaml")
        name = f"r{i:03d}-{stem}.yaml"
        (folder / name).write_text(text, encoding="utf-8")
        names.append(name)
    return names


def write_meeting(folder, n):
    """A meeting file with n report items (no `file:` items), and the reports beside it."""
    names = write_reports(folder, n)
    head = (INPUTS / "cabinet-2024-01-18.yaml").read_text(encoding="utf-8").split("\nitems:")[0]
    lines = [head, "items:", "  - title: Apologies for Absence", "  - title: Declarations of Interest"]
    lines += [f"  - report: {name}" for name in names]
    meeting = folder / "meeting.yaml"
    meeting.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return meeting
