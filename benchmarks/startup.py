"""Start to first painted window on the district demo database, against a bare QApplication +
QMainWindow started the same way. Each start is a fresh process; the time runs from spawning it
to the first paint event of the window. Target: <= 1 s."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from benchmarks.common import demo_database

RUNS = 5


def _time_process(args: list[str], env: dict[str, str]) -> float:
    started = time.time()
    out = subprocess.run([sys.executable, "-m", "benchmarks.startup_probe", *args], env=env, check=True,
                         capture_output=True, text=True).stdout
    painted = float(out.strip().splitlines()[-1])
    return painted - started


def run() -> dict[str, object]:
    path = demo_database("district")
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "MENTORDESK_HOME": os.path.dirname(path)}
    _time_process(["app", path], env)  # warm the disk cache and the settings file
    app_s = statistics.median(_time_process(["app", path], env) for _ in range(RUNS))
    bare_s = statistics.median(_time_process(["bare"], env) for _ in range(RUNS))
    return {"start_to_paint_s": round(app_s, 2), "bare_qt_s": round(bare_s, 2),
            "ratio_to_bare": round(app_s / bare_s, 1), "platform": env["QT_QPA_PLATFORM"]}
