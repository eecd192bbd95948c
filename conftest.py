"""pytest-odoo glue.

pytest-odoo imports Odoo's test framework before it enables test mode, and
Odoo logs an ERROR when that happens outside test mode: import it here first,
in test mode, the way Odoo's own test runner does.
"""

from odoo.tools import config

config["test_enable"] = True
import odoo.tests  # noqa: F401

config["test_enable"] = False
