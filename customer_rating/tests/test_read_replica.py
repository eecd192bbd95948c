# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.sql_db import Cursor
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.customer_rating.wizards.customer_rating_wizard import REPORT_MODELS

from .common import TODAY, CustomerRatingCommon

# Columns that differ between two runs of the same report.
RUN_COLUMNS = {"id", "wizard_id", "create_date", "write_date"}


class SimulatedReplica:
    """A read replica simulated on the test's own connection: a cursor of
    its own, each statement run in a read-only savepoint, so it sees the
    test's uncommitted data, refuses any write and leaves the transaction
    as it was; it records the statements it ran."""

    readonly = True

    def __init__(self, cr, fail=False):
        self._obj = cr._cnx.cursor()
        self._control = cr._cnx.cursor()
        self.fail = fail
        self.statements = []

    def execute(self, query):
        self.statements.append(query.code)
        if self.fail and query.code.lstrip().startswith(("WITH", "SELECT")):
            raise psycopg2.OperationalError(
                "canceling statement due to conflict with recovery"
            )
        self._control.execute("SAVEPOINT simulated_replica")
        try:
            self._control.execute("SET TRANSACTION READ ONLY")
            self._obj.execute(query.code, query.params)
        finally:
            # the rows already came with the answer
            self._control.execute("ROLLBACK TO SAVEPOINT simulated_replica")
            self._control.execute("RELEASE SAVEPOINT simulated_replica")

    @property
    def description(self):
        return self._obj.description

    def fetchmany(self, size):
        return self._obj.fetchmany(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._obj.close()
        self._control.close()


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReadReplica(CustomerRatingCommon):
    """With a read replica, the reports read on it and insert the same
    lines on the primary; without one, or when it fails, on the primary."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            "cr_replica_salesman",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((cls.main | cls.branch).ids)],
        )
        cls.order_salesman = cls._order(
            cls.carla, "2026-06-02 10:00", 7, cls.main, user=cls.salesman
        )

    @contextmanager
    def _replica(self, replica=None, wrote=False):
        """The registry with a read replica (`replica`, by default one
        simulated on the test's connection), yielded. The test's data is not
        committed: the transaction counts as not having written (`wrote`)."""
        replica = replica or SimulatedReplica(self.env.cr)
        registry = self.env.registry
        cursor = registry.cursor
        mixin = type(self.env["customer.rating.report.mixin"])
        with (
            patch.object(registry, "_db_readonly", object()),
            patch.object(
                registry,
                "cursor",
                lambda readonly=False: replica if readonly else cursor(),
            ),
            patch.object(mixin, "_transaction_wrote", lambda self: wrote),
        ):
            yield replica

    @contextmanager
    def _primary_statements(self):
        """The statements the primary runs, yielded as a list."""
        statements = []
        execute = Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            statements.append(query.code if isinstance(query, SQL) else query)
            return execute(cr, query, params, log_exceptions)

        with patch.object(Cursor, "execute", spy):
            yield statements

    def _lines(self, wizard):
        """The wizard's lines as comparable rows, ordered."""
        lines = wizard._report_lines()
        columns = sorted(
            name
            for name, field in lines._fields.items()
            if field.store and name not in RUN_COLUMNS
        )
        return sorted(
            (tuple(str(row[name]) for name in columns) for row in lines.read(columns)),
        )

    def _inserts(self, statements, model="customer.rating.line"):
        table = f'INSERT INTO "{self.env[model]._table}"'
        return [code for code in statements if code.startswith(table)]

    def test_rating_reads_on_the_replica(self):
        """The SELECT runs on the replica, the primary only inserts its rows,
        and the lines are those computed on the primary alone."""
        primary = self._lines(self._rating())
        with self._replica() as replica, self._primary_statements() as statements:
            wizard = self._rating()
        self.assertEqual(self._lines(wizard), primary)
        selects = [code for code in replica.statements if "SELECT" in code]
        self.assertEqual(len(selects), 1, "the rating's one query, on the replica")
        self.assertIn("sale_order", selects[0])
        self.assertNotIn("INSERT", selects[0])
        inserts = self._inserts(statements)
        self.assertEqual(len(inserts), 1, "one batch of rows")
        self.assertIn(" VALUES ", inserts[0])
        self.assertNotIn("sale_order", inserts[0])

    def test_figures_read_on_the_replica(self):
        """Spot check against the orders: Acme's revenue, net of its return,
        in the report currency."""
        with self._replica():
            wizard = self._rating()
        acme = wizard.line_ids.filtered(lambda line: line.partner_id == self.acme)
        revenue = self.order_acme_1.amount_untaxed + self.order_acme_2.amount_untaxed
        self.assertAlmostEqual(acme.revenue, revenue, places=2)
        self.assertAlmostEqual(
            acme.net_revenue, revenue - self.refund.amount_untaxed, places=2
        )

    def test_every_report_reads_on_the_replica(self):
        for report, model in REPORT_MODELS.items():
            with self.subTest(report=report):
                primary = self._lines(self._run(report))
                with self._replica() as replica:
                    wizard = self._run(report)
                self.assertEqual(self._lines(wizard), primary)
                self.assertTrue(wizard._report_lines() or not primary)
                self.assertTrue(
                    any("SELECT" in code for code in replica.statements), model
                )

    def test_salesperson_reads_own_orders_on_the_replica(self):
        """The record rules are in the SQL: a salesperson with "Own
        Documents Only" gets on the replica only his customer's figures."""
        env = self.env(
            user=self.salesman,
            context={"allowed_company_ids": (self.main | self.branch).ids},
        )
        values = {
            "period": "custom",
            "date_from": "2026-03-16",
            "date_to": "2026-06-15",
            "team_ids": [Command.set(self.team.ids)],
        }
        primary = env["customer.rating.wizard"].create(values)
        primary.action_open()
        with self._replica() as replica:
            wizard = env["customer.rating.wizard"].create(values)
            wizard.action_open()
        self.assertTrue(replica.statements)
        self.assertEqual(self._lines(wizard), self._lines(primary))
        self.assertEqual(wizard.line_ids.partner_id, self.carla)
        order = self.order_salesman
        self.assertAlmostEqual(
            wizard.line_ids.revenue, order.amount_untaxed / order.currency_rate, 2
        )

    def test_other_currency_read_on_the_replica(self):
        """A branch in another currency: Odoo's temporary currency table is
        inlined into the query the replica runs."""
        euro_company = self.env["res.company"].create(
            {"name": "CR Euro Company", "currency_id": self.eur.id}
        )
        self.env.user.company_ids |= euro_company
        companies = self.main | self.branch | euro_company
        self.env = self.env(
            context=dict(self.env.context, allowed_company_ids=companies.ids)
        )
        self._order(self.bob, "2026-05-20 10:00", 2, euro_company, self.pricelist_eur)
        values = {"company_ids": [Command.set(companies.ids)]}
        primary = self._lines(self._rating(**values))
        with self._replica() as replica:
            wizard = self._rating(**values)
        self.assertEqual(self._lines(wizard), primary)
        select = next(code for code in replica.statements if "sale_order" in code)
        self.assertIn("VALUES", select)

    def test_transaction_that_wrote_reads_on_the_primary(self):
        """Changes of the running transaction are not on the replica: the
        report then reads on the primary."""
        primary = self._lines(self._rating())
        with self._replica(wrote=True) as replica:
            wizard = self._rating()
        self.assertFalse(replica.statements)
        self.assertEqual(self._lines(wizard), primary)

    def test_transaction_wrote(self):
        """The test's transaction has written its data."""
        self.assertTrue(self.env["customer.rating.line"]._transaction_wrote())

    def test_no_replica_answers(self):
        """Odoo hands out a cursor of the primary when the replica cannot be
        reached: the report is then computed on the primary, as without
        one."""
        primary = self._lines(self._rating())
        unreachable = SimulatedReplica(self.env.cr)
        unreachable.readonly = False
        with self._replica(unreachable):
            wizard = self._rating()
        self.assertFalse(unreachable.statements)
        self.assertEqual(self._lines(wizard), primary)

    def test_replica_failing_falls_back_to_the_primary(self):
        primary = self._lines(self._rating())
        failing = SimulatedReplica(self.env.cr, fail=True)
        with (
            self._replica(failing),
            self.assertLogs(
                "odoo.addons.customer_rating.report.customer_rating_report_mixin",
                "WARNING",
            ) as logs,
        ):
            wizard = self._rating()
        self.assertIn("conflict with recovery", logs.output[0])
        self.assertEqual(self._lines(wizard), primary)
