"""pytest-odoo glue.

pytest-odoo imports Odoo's test framework before it enables test mode, and
Odoo logs an ERROR when that happens outside test mode: import it here first,
in test mode, the way Odoo's own test runner does.

The suite never skips a test silently: a skipped test (an HttpCase run
without --odoo-http, a missing browser) fails the run with its reason.
"""

import pytest

from odoo.tools import config

config["test_enable"] = True
import odoo.tests  # noqa: F401, E402

config["test_enable"] = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        report.outcome = "failed"
        report.longrepr = f"skipped, and this suite runs every test: {reason}"
