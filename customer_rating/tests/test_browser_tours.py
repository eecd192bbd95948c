# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBrowserTours(HttpCase):
    """The main flows in a real browser (headless Chromium): a tour fails
    on any JavaScript error, a broken view or action."""

    def test_admin_runs_the_rating(self):
        """Admin opens the app, rates last quarter, pivots by branch and
        exports Excel (the demo data has orders in every quarter)."""
        self.start_tour("/odoo", "customer_rating_rating_tour", login="admin")

    def test_card_ledger_and_instruments(self):
        """Admin opens a customer's card and bonus ledger, assigns a coupon
        by its typed code and replaces the lost bonus card."""
        customer = self.env["res.partner"].create({"name": "CR Tour Customer"})
        product = self.env["product.product"].create(
            {"name": "CR Tour Product", "list_price": 80.0, "taxes_id": False}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        bonus_card = self.env["loyalty.card"].search(
            [("partner_id", "=", customer.id), ("is_customer_bonus", "=", True)]
        )
        coupons = self.env["loyalty.program"].create(
            {"name": "CR Tour Coupons", "program_type": "coupons"}
        )
        coupon = self.env["loyalty.card"].create(
            {"program_id": coupons.id, "code": "CRTOUR-COUPON-1"}
        )

        self.start_tour(
            f"/odoo/res.partner/{customer.id}",
            "customer_rating_card_tour",
            login="admin",
        )

        self.assertEqual(coupon.partner_id, customer)
        self.assertTrue(bonus_card.is_blocked)
        self.assertEqual(bonus_card.blocked_reason, "lost")
        self.assertEqual(bonus_card.replaced_by_id.partner_id, customer)
        self.assertEqual(bonus_card.replaced_by_id.points, 80.0)

    def test_salesperson_closes_a_call_back(self):
        """A salesperson who sees her own documents only, in one branch,
        closes her call-back from the customer's chatter with an outcome and
        a churn reason, then sees only her customer in the rating."""
        seller = new_test_user(
            self.env,
            login="cr_tour_seller",
            groups="sales_team.group_sale_salesman",
            company_id=self.env.company.id,
            company_ids=self.env.company.ids,
        )
        product = self.env["product.product"].create(
            {"name": "CR Tour Product", "list_price": 50.0, "taxes_id": False}
        )
        regular, other = self.env["res.partner"].create(
            [
                {"name": "CR Tour Regular", "user_id": seller.id},
                {"name": "CR Tour Other"},
            ]
        )
        for customer, user in ((regular, seller), (other, self.env.user)):
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
            order.action_confirm()
        reason = self.env["customer.rating.churn.reason"].create(
            {"name": "CR Tour Reason", "outcome": "price"}
        )
        activity = regular.activity_schedule(
            "customer_rating.mail_activity_type_call_back",
            user_id=seller.id,
            note="Last purchase today",
        )
        callback = self.env["customer.rating.callback"].create(
            {
                "partner_id": regular.id,
                "company_id": self.env.company.id,
                "user_id": seller.id,
                "activity_id": activity.id,
            }
        )

        self.start_tour(
            f"/odoo/res.partner/{regular.id}",
            "customer_rating_call_back_tour",
            login=seller.login,
        )

        self.assertEqual(callback.state, "done")
        self.assertEqual(callback.outcome, "price")
        self.assertEqual(callback.reason_id, reason)
        self.assertEqual(callback.feedback, "Moved to a cheaper shop nearby")
        self.assertFalse(activity.exists())

    def test_dashboard_and_heat_map(self):
        """Admin opens the app on its dashboard, opens the customers at risk,
        the Pareto curve and the heat map of the visit patterns."""
        self.start_tour("/odoo", "customer_rating_dashboard_tour", login="admin")
