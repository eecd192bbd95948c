# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

# The tiles of the dashboard that open the Customers list, and its filter.
CUSTOMER_TILES = {
    "active": "search_default_customer_rating_active",
    "due_soon": "search_default_customer_rating_due_soon",
    "at_risk": "search_default_customer_rating_at_risk",
    "lost": "search_default_customer_rating_lost",
}


class CustomerRatingDashboard(models.AbstractModel):
    """The home of the app: the figures of the companies the user works in,
    from the orders they may read, all of them from the rules layer
    (`customer.rating.rules`) and the report builders, with one call
    (`get_dashboard_data`)."""

    _name = "customer.rating.dashboard"
    _description = "Customer Rating dashboard"

    @api.model
    def get_dashboard_data(self):
        """Everything the dashboard shows, as a dict: the customers by
        retention status today and a month ago, net revenue and profit of
        the last 12 months (and per month), the top 10 customers with their
        movement, the Pareto classes, the user's open call-backs, the bonus
        points issued, used and expired and the new customers per
        acquisition source over the last 12 months."""
        rules = self.env["customer.rating.rules"]
        today = rules._today()
        date_from, date_to = rules._last_12_months(today)
        rating = self._dashboard_wizard("rating")
        company = self.env.company
        return {
            "companies": self.env.companies.mapped("name"),
            "currency_id": company.currency_id.id,
            "date_from": date_from,
            "date_to": date_to,
            "today": today,
            "due_soon_days": rules._due_soon_days(),
            "retention": self._dashboard_retention(today),
            "months": self._dashboard_months(today),
            **self._dashboard_rating(rating),
            "callbacks": self.env["customer.rating.callback"].search_count(
                [("state", "=", "open"), ("user_id", "=", self.env.uid)]
            ),
            "points": self._dashboard_points(self._dashboard_wizard("bonus")),
            "sources": self._dashboard_sources(self._dashboard_wizard("marketing")),
        }

    @api.model
    def _dashboard_wizard(self, report, **values):
        """A run of `report` over the last 12 months in the companies the
        user works in, computed."""
        wizard = self.env["customer.rating.wizard"].create(
            {"report": report, "period": "last_12_months", **values}
        )
        wizard._compute_report()
        return wizard

    @api.model
    def _dashboard_retention(self, today):
        """The customers active, due soon, at risk and lost today and on the
        same day last month (`_retention_days_query`, both days at once)."""
        rules = self.env["customer.rating.rules"]
        rules._flush_sources()
        days = {"now": today, "before": today - relativedelta(months=1)}
        self.env.cr.execute(
            SQL(
                """
                SELECT r.retention_day,
                       COUNT(*) FILTER (WHERE r.status = 'active'),
                       COUNT(*) FILTER (WHERE %(due_soon)s),
                       COUNT(*) FILTER (WHERE r.status = 'at_risk'),
                       COUNT(*) FILTER (WHERE r.status = 'lost')
                  FROM (%(retention)s) r
                 GROUP BY r.retention_day
                """,
                due_soon=rules._due_soon(
                    "r", SQL("r.retention_day"), rules._due_soon_days()
                ),
                retention=rules._retention_days_query(
                    self.env.companies,
                    self.env.company,
                    list(days.values()),
                    rules._tz(),
                    spending=False,
                ),
            )
        )
        rows = {day: counts for day, *counts in self.env.cr.fetchall()}
        statuses = ("active", "due_soon", "at_risk", "lost")
        counts = {
            key: dict(zip(statuses, rows.get(day, (0, 0, 0, 0)), strict=True))
            for key, day in days.items()
        }
        return {
            status: {
                "count": counts["now"][status],
                "trend": counts["now"][status] - counts["before"][status],
            }
            for status in statuses
        }

    @api.model
    def _dashboard_months(self, today):
        """Net revenue and profit per month, this month and the 11 before,
        in the current company's currency: [{month, revenue, profit}]."""
        rules = self.env["customer.rating.rules"]
        first = today.replace(day=1) - relativedelta(months=11)
        scope = rules._report_scope(first, today)
        rules._flush_sources()
        self.env.cr.execute(
            SQL(
                """
                SELECT date_trunc('month', f.day)::date AS month,
                       SUM(f.revenue) AS revenue, SUM(f.profit) AS profit
                  FROM (SELECT %(day)s AS day, %(revenue)s AS revenue,
                               %(profit)s AS profit
                          %(orders)s
                        UNION ALL
                        SELECT ret.day, -%(returned)s, -%(returned_profit)s
                          %(returns)s) f
                 GROUP BY 1
                """,
                day=rules._local_day(SQL("o.date_order")),
                revenue=rules._order_revenue(),
                profit=rules._order_profit(),
                orders=rules._orders_from(scope, scope.start, scope.end),
                returned=rules._returned_amount(),
                returned_profit=rules._returned_profit(),
                returns=rules._returns_from(scope, scope.date_from, scope.date_to),
            )
        )
        sums = {month: (rev, profit) for month, rev, profit in self.env.cr.fetchall()}
        return [
            {
                "month": month,
                "revenue": sums.get(month, (0.0, 0.0))[0],
                "profit": sums.get(month, (0.0, 0.0))[1],
            }
            for month in (first + relativedelta(months=n) for n in range(12))
        ]

    @api.model
    def _dashboard_rating(self, wizard):
        """Net revenue and profit of the last 12 months, the top 10 and the
        Pareto classes, from the rating of the last 12 months."""
        lines = self.env["customer.rating.line"]
        domain = [("wizard_id", "=", wizard.id)]
        classes = {
            pareto_class: (count, revenue, profit)
            for pareto_class, count, revenue, profit in lines._read_group(
                domain,
                ["pareto_class"],
                ["__count", "net_revenue:sum", "profit:sum"],
            )
        }
        customers = sum(count for count, _revenue, _profit in classes.values())
        revenue = sum(revenue for _count, revenue, _profit in classes.values())
        profit = sum(profit for _count, _revenue, profit in classes.values())
        top = lines.search(domain, limit=10)
        return {
            "revenue": revenue,
            "profit": profit,
            "customers": customers,
            "top": [
                {
                    "partner_id": line.partner_id.id,
                    "name": line.partner_id.display_name,
                    "rank": line.rank,
                    "movement": line.movement,
                    "previous_rank": line.previous_rank,
                    "net_revenue": line.net_revenue,
                    "pareto_class": line.pareto_class,
                }
                for line in top
            ],
            "pareto": [
                {
                    "class": pareto_class,
                    "customers": classes.get(pareto_class, (0, 0.0, 0.0))[0],
                    "customer_share": 100.0
                    * classes.get(pareto_class, (0, 0.0, 0.0))[0]
                    / (customers or 1),
                    "revenue_share": 100.0
                    * classes.get(pareto_class, (0, 0.0, 0.0))[1]
                    / (revenue or 1),
                }
                for pareto_class in ("A", "B", "C")
            ],
        }

    @api.model
    def _dashboard_points(self, wizard):
        """Bonus points issued, used and expired in the last 12 months (the
        Bonus Points report)."""
        measures = ("issued", "used", "expired")
        [sums] = self.env["customer.rating.bonus.line"]._read_group(
            [("wizard_id", "=", wizard.id)], [], [f"{name}:sum" for name in measures]
        )
        return dict(zip(measures, sums, strict=True))

    @api.model
    def _dashboard_sources(self, wizard):
        """New customers of the last 12 months per acquisition source (the
        Acquisition Sources report), most first: [{source, count}]."""
        groups = self.env["customer.rating.marketing.line"]._read_group(
            [("wizard_id", "=", wizard.id)], ["source_id"], ["new_customers:sum"]
        )
        return sorted(
            (
                {
                    "source": source.name or self.env._("No source"),
                    "count": count,
                }
                for source, count in groups
            ),
            key=lambda row: (-row["count"], row["source"]),
        )

    @api.model
    def action_open_tile(self, tile):
        """The report or list behind a tile of the dashboard, filtered as
        the tile counts (an action with its views: it is not returned
        through a button)."""
        if tile in CUSTOMER_TILES:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "customer_rating.customer_rating_partner_action"
            )
            action["context"] = {
                "search_default_customer_rating_regular": 1,
                CUSTOMER_TILES[tile]: 1,
                "res_partner_search_mode": "customer",
            }
            return action
        if tile == "callbacks":
            return self.env["ir.actions.act_window"]._for_xml_id(
                "customer_rating.customer_rating_callback_action"
            )
        report = {"points": "bonus", "sources": "marketing", "visits": "visits"}.get(
            tile, "rating"
        )
        wizard = self.env["customer.rating.wizard"].create(
            {
                "report": report,
                "period": "last_12_months",
                "top": 10 if tile == "top" else 0,
            }
        )
        if tile == "visits":
            return wizard.action_open_heat_map()
        action = wizard.action_open()
        action["views"] = [(False, mode) for mode in action["view_mode"].split(",")]
        if tile == "pareto":
            pareto = self.env.ref(
                "customer_rating.customer_rating_line_view_graph_pareto"
            )
            action["name"] = self.env._("Pareto Curve")
            action["views"] = [(pareto.id, "graph"), (False, "list")]
        return action
