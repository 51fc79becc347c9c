"""Where the benchmark finds things, and its budgets: the full run's lines and --quick's gross
regressions. Numbers only; nothing here runs."""

import os
from pathlib import Path



ROOT = Path(__file__).resolve().parent.parent.parent
INPUTS = ROOT / "inputs"
REPORT = INPUTS / "powering-our-future.yaml"
CLK_TCK = os.sysconf("SC_CLK_TCK")
TIME_BIN = "/usr/bin/time"

# Budget (full mode).
BUDGET_PEER_RATIO = 30.0      # per page, cabrep DOCX+PDF at least 30x faster than pandoc + LibreOffice
BUDGET_PACK20_S = 2.0         # 20-report pack, wall seconds
BUDGET_PACK60_S = 6.0         # 60-report pack, wall seconds
BUDGET_J2_SPEEDUP = 1.7       # batch -j 2 against -j 1
BUDGET_PACK60_MB = 1024.0     # peak memory of the 1,000-page pack, MB
BUDGET_FLAT_MEMORY = 1.25     # batch of 40 against 20: peak memory grows by at most this factor

# Gross regressions (--quick): far outside noise on any reasonable machine.
GROSS_PACK20_S = 10.0
GROSS_REPORT_S = 5.0
GROSS_PACK20_MB = 2048.0
