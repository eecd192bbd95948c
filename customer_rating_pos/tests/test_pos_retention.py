# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common import TODAY, PosChannelCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPosRetention(PosChannelCommon):
    """Retention and call-backs see the counter."""

    def _status(self, partner):
        rules = self.env["customer.rating.rules"]
        self.env.flush_all()
        self.env.cr.execute(
            rules._retention_query(self.company, self.company, TODAY, "UTC")
        )
        rows = {row["partner_id"]: row for row in self.env.cr.dictfetchall()}
        return rows.get(partner.id)

    def _call_backs(self, partner):
        return self.env["customer.rating.callback"].search(
            [("partner_id", "=", partner.id)]
        )

    def test_a_counter_regular_is_active_and_gets_no_call_back(self):
        for day in ["2026-05-18", "2026-05-25", "2026-06-01", "2026-06-08"]:
            self._sell(self.tina, f"{day} 10:00", 1)
        row = self._status(self.tina)
        self.assertEqual(row["status"], "active")
        self.assertEqual(row["rhythm"], 7)
        while self.env["customer.rating.callback"]._cron_schedule_call_backs():
            continue
        self.assertFalse(self._call_backs(self.tina))

    def test_buying_at_the_counter_closes_the_call_back(self):
        self._sell(self.tina, "2026-05-01 10:00", 1)
        self._sell(self.tina, "2026-05-15 10:00", 1)
        self.assertEqual(self._status(self.tina)["status"], "at_risk")
        while self.env["customer.rating.callback"]._cron_schedule_call_backs():
            continue
        callback = self._call_backs(self.tina)
        self.assertEqual(callback.state, "open")
        order = self._sell(self.tina, "2026-06-14 10:00", 1)
        self.assertEqual(callback.state, "done")
        self.assertEqual(callback.outcome, "came_back")
        self.assertEqual(callback.pos_order_id, order)
        self.assertEqual(self._status(self.tina)["status"], "active")
