"""`make bench`: run every benchmark, print the figures and save them to benchmarks/results.json.

`python -m benchmarks [name ...]` runs only those (module names in this package).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ALL = ("roster_import", "startup", "people_filter", "matching", "timelogs", "scheduling", "state_report", "postgres",
       "sync", "encryption")
RESULTS = Path(__file__).with_name("results.json")


def main(names: list[str]) -> int:
    ran: dict[str, object] = {}
    for name in names or ALL:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError:
            print(f"{name}: not written yet")
            continue
        started = time.perf_counter()
        figures = module.run()
        if figures is None:
            print(f"{name}: skipped")
            continue
        ran[name] = figures
        print(f"{name} ({time.perf_counter() - started:.0f} s): " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    # Read the file again now, not before the runs (they take minutes): only the entries run here change.
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    results.update(ran)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"saved {RESULTS}")
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    # The figures are saved: leave without tearing the interpreter down. The view benchmarks' Qt
    # widgets, finalized by the cycle collector at exit, abort the process there (PySide6), which
    # would make `make bench` fail after a complete run.
    os._exit(code)
