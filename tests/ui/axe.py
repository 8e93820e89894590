"""axe-core in the browser tests: the WCAG 2.1 A and AA rules, run on the page as it stands (axe-core 4.12.1, as
the PyPI package axe-playwright-python 0.1.8 bundles it). docs/accessibility.md lists what it found and what was
done about each finding."""

import json

from axe_playwright_python.sync_playwright import Axe

from tests.conftest import ARTIFACTS

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
BLOCKING = ("serious", "critical")  # the impacts that fail a test; moderate and minor ones are listed in docs/

# Runs in the page: the violations, one line per element (rule, impact, the element's selector, axe's message).
# The tabs not shown are left out: nobody can see or reach them, and checking them doubled axe's time.
_RUN = """axe.run({exclude: [...document.querySelectorAll('[role=tabpanel]')].filter(e => e.offsetParent === null)},
    %s).then(results => results.violations.flatMap(v => v.nodes.map(n =>
    [v.id, v.impact, n.target.join(' '), ([...n.any, ...n.all, ...n.none][0] || {}).message || v.help])))"""


def violations(page) -> list[tuple[str, str, str, str]]:
    """axe's WCAG 2.1 A/AA violations on the page now: (rule, impact, element, message), one per element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(Axe().axe_script)
    # ui/access.py's repairs, which the lab's page runs on its next frame anyway (the students' room page has none)
    page.evaluate("window.labRepair && window.labRepair()")
    return [tuple(v) for v in page.evaluate(_RUN % json.dumps(OPTIONS))]


def blocking(page, where: str) -> list[str]:
    """The serious and critical violations on the page now, each as one line that starts with `where`. The
    moderate and minor ones go to test-artifacts/axe-other.txt, for docs/accessibility.md."""
    found = [f"{where}: {rule} ({impact}) at {target}: {message}" for rule, impact, target, message in violations(page)]
    other = [line for line in found if not any(f"({impact})" in line for impact in BLOCKING)]
    if other:
        ARTIFACTS.mkdir(exist_ok=True)
        with open(ARTIFACTS / "axe-other.txt", "a", encoding="utf-8") as log:
            log.write("\n".join(other) + "\n")
    return [line for line in found if line not in other]
