"""How many examples a property test runs, by hypothesis profile (registered in tests/conftest.py).

"dev" (the default): random examples, a quick budget, failures kept in .hypothesis/ to be replayed.
"ci" (selected when the CI variable is set, as .ci/run is; or HYPOTHESIS_PROFILE=ci): derandomized, so a
run on the same code tries the same examples and a red CI can be reproduced; and more of them.

"mutation" (`make mutate`): derandomized, with the dev counts, so each mutant meets the same examples.

A test whose examples cost a database sets its own count with `budget(dev, ci)`; the profile's other
settings (derandomize, deadline) still apply, since `settings(...)` starts from the loaded profile.
Every bug a property test has found is kept as an `@example` on that test, so it runs in every profile.
"""

from __future__ import annotations

import os

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")


def budget(dev: int, ci: int) -> int:
    """`dev` examples locally, `ci` in the CI profile."""
    return ci if PROFILE == "ci" else dev
