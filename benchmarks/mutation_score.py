"""`make mutate` ends here: the mutation score of the rule modules from mutmut's results (mutants/),
written to benchmarks/results.json under "mutation" (the other keys are kept).

Score = mutants killed (or timed out) / mutants tried, overall and per module; "non-equivalent" leaves out
the survivors listed in benchmarks/mutation_equivalent.txt (one mutant name a line, each with the reason
it changes nothing a user could see, after a #). Usage: python -m benchmarks.mutation_score [--only GLOB].
"""

from __future__ import annotations

import fnmatch
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.__main__ import RESULTS

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).with_name("mutation_equivalent.txt")
# mutmut 3's exit codes per mutant (mutmut.__main__.status_by_exit_code), as its `results` reads them
STATUS = {1: "killed", 3: "killed", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", 0: "survived",
          5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious", 36: "timeout", 37: "caught by type check",
          -11: "segfault", -9: "killed"}


def equivalent() -> set[str]:
    if not EQUIVALENT.exists():
        return set()
    return {line.split("#")[0].strip() for line in EQUIVALENT.read_text().splitlines() if line.split("#")[0].strip()}


def tally(only: str = "*") -> dict[str, object]:
    try:  # the installed mutmut's own table, when it has one
        from mutmut.stats import status_by_exit_code  # type: ignore[import-not-found]

        status = dict(status_by_exit_code)
    except ImportError:
        status = STATUS
    judged = equivalent()
    per: dict[str, Counter] = defaultdict(Counter)
    survivors: list[str] = []
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        module = str(meta.relative_to(ROOT / "mutants"))[: -len(".meta")]
        if not fnmatch.fnmatch(module, only):
            continue
        for name, code in json.loads(meta.read_text()).get("exit_code_by_key", {}).items():
            if code is None:
                continue  # not run (yet)
            kind = status.get(code, "suspicious")
            kind = {"caught by type check": "killed", "segfault": "killed"}.get(kind, kind)
            if kind == "survived" and name in judged:
                kind = "equivalent"
            per[module][kind] += 1
            if kind in ("survived", "no tests"):
                survivors.append(name)

    def score(c: Counter) -> dict[str, object]:
        tried = sum(c.values()) - c["skipped"]
        killed = c["killed"] + c["timeout"]
        return {"tried": tried, "killed": killed, "survived": c["survived"] + c["no tests"] + c["suspicious"],
                "equivalent": c["equivalent"],
                "score": round(killed / tried, 3) if tried else None,
                "score_non_equivalent": round(killed / (tried - c["equivalent"]), 3) if tried > c["equivalent"] else None}

    total = sum(per.values(), Counter())
    return {**score(total), "modules": {m: score(c) for m, c in sorted(per.items())}, "survivors": survivors}


def main(argv: list[str]) -> int:
    only = argv[argv.index("--only") + 1] if "--only" in argv else "*"
    figures = tally(only)
    if not figures["tried"]:
        print("no mutation results in mutants/: run `make mutate` first")
        return 1
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["mutation"] = {k: v for k, v in figures.items() if k != "survivors"}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"mutation: {figures['killed']} of {figures['tried']} killed ({figures['score']}); "
          f"non-equivalent {figures['score_non_equivalent']}")
    for module, s in figures["modules"].items():  # type: ignore[union-attr]
        print(f"  {module}: {s['killed']} of {s['tried']} ({s['score']})")
    for name in figures["survivors"]:  # type: ignore[union-attr]
        print(f"  survived: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
