# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .res_partner_card import CARD_GROUP

CHART_MONTHS = 24


class ResPartner(models.Model):
    """The chart of the customer card: net revenue and visits per month."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def customer_rating_monthly_history(self):
        """The customer's (commercial partner's) net revenue and visits (days
        they ordered on) per month, this month and the 23 before, from the
        orders and returns the user may read in the companies they work in,
        in the current company's currency: {currency_id, months: [{month,
        revenue, visits}]}."""
        self.ensure_one()
        if not self.env.user.has_group(CARD_GROUP):
            raise AccessError(self.env._("Only Customer Rating users see this chart."))
        self.check_access("read")
        rules = self.env["customer.rating.rules"]
        today = rules._today()
        first = today.replace(day=1) - relativedelta(months=CHART_MONTHS - 1)
        scope = rules._report_scope(first, today)
        customer = [
            ("partner_id.commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        rules._flush_sources()
        self.env.cr.execute(
            SQL(
                """
                SELECT date_trunc('month', f.day)::date, SUM(f.revenue),
                       COUNT(DISTINCT f.day) FILTER (WHERE f.is_order)
                  FROM (SELECT %(day)s AS day, %(revenue)s AS revenue,
                               TRUE AS is_order
                          %(orders)s
                        UNION ALL
                        SELECT ret.day, -%(returned)s, FALSE
                          %(returns)s) f
                 GROUP BY 1
                """,
                day=rules._local_day(SQL("o.date_order")),
                revenue=rules._order_revenue(),
                orders=rules._orders_from(scope, scope.start, scope.end, customer),
                returned=rules._returned_amount(),
                returns=rules._returns_from(
                    scope, scope.date_from, scope.date_to, customer
                ),
            )
        )
        sums = {
            month: (revenue, visits)
            for month, revenue, visits in self.env.cr.fetchall()
        }
        months = (first + relativedelta(months=n) for n in range(CHART_MONTHS))
        return {
            "currency_id": self.env.company.currency_id.id,
            "months": [
                {
                    "month": month,
                    "revenue": sums.get(month, (0.0, 0))[0],
                    "visits": sums.get(month, (0.0, 0))[1],
                }
                for month in months
            ],
        }
