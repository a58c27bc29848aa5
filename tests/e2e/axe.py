"""axe-core in Chromium: the WCAG 2.1 A and AA findings a page and each of its frames has.

axe-core is vendored in `vendor/axe-core/` (see static/README.md) and injected into every
frame, because the maps and the calendar are Streamlit components in their own iframes and
axe run in the top document does not look inside a frame it was not injected into.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(
    encoding="utf-8"
)
# WCAG 2.0 and 2.1, levels A and AA: what lagen om tillgänglighet till digital offentlig
# service asks of a public-sector web service.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What issue 15 counts: findings that stop or seriously hinder someone.
BLOCKING = frozenset({"serious", "critical"})

_RUN = """async tags => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        // Each frame is checked on its own (below), with its own address in the finding.
        iframes: false,
        resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200)})),
    }));
}"""


@dataclass(frozen=True)
class Finding:
    """One element that breaks one axe rule, and where it is."""

    frame: str
    rule: str
    impact: str
    help: str
    target: str
    html: str

    def __str__(self) -> str:
        return f"[{self.impact}] {self.rule} in {self.frame}: {self.target}  {self.html}"


@dataclass(frozen=True)
class Exemption:
    """A finding that is Streamlit's own and that the app cannot change: say which and why."""

    rule: str
    target_contains: str
    why: str

    def covers(self, finding: Finding) -> bool:
        """True for this rule on a node whose selector holds `target_contains`."""
        return finding.rule == self.rule and self.target_contains in finding.target


def _frame_name(frame: Frame) -> str:
    """The frame's title (what a screen reader announces) or its address."""
    if frame.parent_frame is None:
        return "the page"
    try:
        title = frame.frame_element().get_attribute("title")
    except PlaywrightError:
        title = None
    return f"frame {title!r}" if title else f"frame {frame.url[:80]}"


def frame_findings(frame: Frame) -> list[Finding]:
    """Serious and critical WCAG 2.1 A/AA findings of one document (not its child frames)."""
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE_SOURCE)
    violations = frame.evaluate(_RUN, WCAG_TAGS)
    name = _frame_name(frame)
    return [
        Finding(name, v["rule"], v["impact"], v["help"], n["target"], n["html"])
        for v in violations
        if v["impact"] in BLOCKING
        for n in v["nodes"]
    ]


def axe_findings(page: Page, exemptions: Iterable[Exemption] = ()) -> list[Finding]:
    """Serious and critical findings in the page and in every frame it holds.

    A finding an `Exemption` covers is left out; every other one is returned.
    """
    exempt = list(exemptions)
    findings: list[Finding] = []
    for frame in page.frames:
        if frame.is_detached() or frame.url in ("", "about:blank"):
            continue
        findings.extend(frame_findings(frame))
    return [f for f in findings if not any(e.covers(f) for e in exempt)]


def report(findings: Iterable[Finding]) -> str:
    """One line per finding, for an assertion message."""
    return "\n".join(str(f) for f in findings)
