"""How a build reports what it read: lost content loudly, everything else in one line.

In ``mkdocs build``, only what leaves a file out (errors) or hides something from
readers (security findings) is a WARNING, so that ``--strict`` fails on lost content
and hidden text but not on style hints; warnings are INFO lines and a summary.
"""

from __future__ import annotations

import logging

from ..catalogue.catalogue import Catalogue
from ..sources.model import Problem

LEFT_OUT_SHARE = 0.1
"""Share of matched files left out from which a build warns about the whole catalogue."""


def report(
    catalogue: Catalogue, problems: list[Problem], checked: int, log: logging.Logger
) -> None:
    """Log every problem at its level, then one summary line (and a warning when the
    catalogue is empty or many files were left out)."""
    for problem in problems:
        if problem.fatal:
            log.warning(f"{problem} (file left out)")
        elif problem.security:
            log.warning(f"{problem} (file published; shown in a notice on its page)")
        else:
            log.info(str(problem))
    left_out = len({p.path for p in problems if p.fatal})
    bundled = {p.path for p in problems if p.field == "bundle"}  # not matched by the globs
    security = sum(p.security and not p.fatal for p in problems)
    warnings = sum(not p.fatal and not p.security for p in problems)
    entries = len(catalogue.personas) + len(catalogue.skills)
    log.info(
        f"{len(catalogue.personas)} persona{'s' * (len(catalogue.personas) != 1)} and "
        f"{len(catalogue.skills)} skill{'s' * (len(catalogue.skills) != 1)}; "
        f"{left_out} file{'s' * (left_out != 1)} left out, {security} security "
        f"finding{'s' * (security != 1)}, {warnings} warning{'s' * (warnings != 1)} "
        "(personas validate lists them)"
    )
    if entries == 0:
        log.warning(
            "the catalogue is empty: no persona or skill file was found or kept; check the "
            "'personas' and 'skills' globs of the plugin (personas validate suggests some)"
        )
    elif checked and (matched := len({p.path for p in problems if p.fatal} - bundled)) > (
        LEFT_OUT_SHARE * checked
    ):
        log.warning(
            f"{matched} of the {checked} files the globs match were left out: "
            "see the errors above, or run personas validate"
        )
