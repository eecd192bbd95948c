# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

# The parts of the value score (their weights: Settings, 40, 25, 20, 15 and
# 10 by default, data/customer_rating_value_data.xml, and cost to serve 10):
# the positive parts share 100 points in their weights' proportions; returns
# and cost to serve take away up to their weights.
SCORE_PARTS = ("profit", "frequency", "tenure", "referrals")
NEGATIVE_PARTS = ("returns", "cost_to_serve")
WEIGHTED = (*SCORE_PARTS, *NEGATIVE_PARTS)
# Tenure counts fully from this many years as a customer.
TENURE_FULL_YEARS = 10.0


class CustomerRatingLine(models.TransientModel):
    """The value score of the rating's customers: an explainable 0-100
    figure, with the points each part gives (see `_score_parts`)."""

    _inherit = "customer.rating.line"

    value_score = fields.Float(
        readonly=True,
        aggregator=False,
        digits=(16, 0),
        help="0-100: profit, frequency against rhythm, tenure and referrals, "
        "less returns and cost to serve; weights in Settings",
    )
    score_profit = fields.Float(
        "Score: Profit", readonly=True, aggregator=False, digits=(16, 1)
    )
    score_frequency = fields.Float(
        "Score: Frequency", readonly=True, aggregator=False, digits=(16, 1)
    )
    score_tenure = fields.Float(
        "Score: Tenure", readonly=True, aggregator=False, digits=(16, 1)
    )
    score_referrals = fields.Float(
        "Score: Referrals", readonly=True, aggregator=False, digits=(16, 1)
    )
    score_returns = fields.Float(
        "Score: Returns", readonly=True, aggregator=False, digits=(16, 1)
    )
    score_cost_to_serve = fields.Float(
        "Score: Cost to Serve", readonly=True, aggregator=False, digits=(16, 1)
    )
    referral_profit = fields.Monetary(
        "Referrals' Profit",
        readonly=True,
        help="Profit in the period of the customers this one referred",
    )
    score_explanation = fields.Char(
        "Why This Score", compute="_compute_score_explanation"
    )

    @api.depends(*(f"score_{name}" for name in WEIGHTED))
    def _compute_score_explanation(self):
        labels = {
            "profit": self.env._("profit"),
            "frequency": self.env._("frequency"),
            "tenure": self.env._("tenure"),
            "referrals": self.env._("referrals"),
            "returns": self.env._("returns"),
            "cost_to_serve": self.env._("cost to serve"),
        }
        for line in self:
            parts = [(labels[name], line[f"score_{name}"]) for name in WEIGHTED]
            line.score_explanation = ", ".join(
                f"{label} {points:+.0f}"
                for label, points in sorted(parts, key=lambda p: -abs(p[1]))
                if round(points)
            )

    @api.model
    def _xlsx_columns(self):
        return [
            *super()._xlsx_columns(),
            "value_score",
            "score_profit",
            "score_frequency",
            "score_tenure",
            "score_referrals",
            "score_returns",
            "score_cost_to_serve",
            "referral_profit",
        ]

    @api.model
    def _score_weights(self):
        """The weights of Settings: {part: points}, the positive parts
        scaled to share 100 points."""
        keys = {f"customer_rating.score_weight_{name}": name for name in WEIGHTED}
        # sudo: reading settings only, in one query
        params = (
            self.env["ir.config_parameter"]
            .sudo()
            .search_read([("key", "in", list(keys))], ["key", "value"])
        )
        # Settings remove a parameter set to 0: a missing weight is 0
        weights = dict.fromkeys(WEIGHTED, 0.0)
        for param in params:
            weights[keys[param["key"]]] = max(float(param["value"] or 0), 0.0)
        total = sum(weights[name] for name in SCORE_PARTS)
        for name in SCORE_PARTS:
            weights[name] = 100.0 * weights[name] / total if total else 0.0
        return weights

    @api.model
    def _score_parts(self, scope):
        """The value score of a customer of the rating (alias `c`, a row of
        `_customers_query` with its value columns), part by part, in points:

        - profit: the customer's percentile (0 to 1, `percent_rank`) of profit
          among the customers of the period, times its weight;
        - frequency: how far the customer is from being lost, against their
          rhythm at the end of the period: 1 - days since the last purchase
          / (lost factor x rhythm), not below 0 (1 just after a purchase, 0
          once lost; the retention rule's rhythm and factor);
        - tenure: years as a customer over 10, at most 1;
        - referrals: the percentile of the profit of the customers they
          referred, among the customers of the period (0 without any);
        - returns (taken away): returns over revenue in the period, at most 1;
        - cost to serve (taken away): the customer's percentile of
          interactions in the period (`interactions`, see
          `customer.rating.rules._interactions_query`) among the customers
          of the period (0 for the fewest, 1 for the most).

        Each part is its 0-1 value times its weight (the positive weights
        share 100 points); the score is the sum of the positive parts less
        the returns and cost to serve parts, kept within 0 and 100."""
        weights = self._score_weights()
        rules = self.env["customer.rating.rules"]
        lost = rules._retention_setting_sql("lost_factor")
        values = {
            "profit": SQL("c.profit_percentile"),
            "frequency": SQL(
                "GREATEST(0.0, 1.0 - c.retention_days_since::float8"
                " / NULLIF(%s * c.retention_rhythm, 0))",
                lost,
            ),
            "tenure": SQL(
                "LEAST(1.0, %s / %s)",
                rules._tenure_years(
                    rules._local_day(SQL("c.first_purchase")), scope.date_to
                ),
                TENURE_FULL_YEARS,
            ),
            "referrals": SQL("c.referral_percentile"),
            "returns": SQL(
                "-LEAST(1.0, GREATEST(0.0, c.returns / NULLIF(c.revenue, 0)))"
            ),
            "cost_to_serve": SQL("-c.interactions_percentile"),
        }
        return {
            name: SQL("(COALESCE(%s, 0) * %s)", value, weights[name])
            for name, value in values.items()
        }

    @api.model
    def _customers_query(self, scope):
        """The customers of the rating with what the score needs: profit's
        percentile, the referred customers' profit and its percentile, the
        days since the last purchase and the rhythm at the end of the
        period (the retention rule), and the points of each part."""
        rules = self.env["customer.rating.rules"]
        parts = self._score_parts(scope)
        return SQL(
            """
            WITH base AS (%(base)s), referrals AS (
                SELECT rp.customer_rating_referred_by_id AS partner_id,
                       SUM(b.profit) AS profit
                  FROM base b
                  JOIN res_partner rp ON rp.id = b.partner_id
                 WHERE b.is_current AND rp.customer_rating_referred_by_id IS NOT NULL
                 GROUP BY rp.customer_rating_referred_by_id
            ), retention AS (%(retention)s), measured AS (
                SELECT b.*, COALESCE(ref.profit, 0) AS referral_profit,
                       percent_rank() OVER (PARTITION BY b.is_current
                                            ORDER BY b.profit) AS profit_percentile,
                       percent_rank() OVER (PARTITION BY b.is_current
                                            ORDER BY COALESCE(ref.profit, 0))
                           AS referral_percentile,
                       percent_rank() OVER (PARTITION BY b.is_current
                                            ORDER BY b.interactions)
                           AS interactions_percentile,
                       ret.days_since AS retention_days_since,
                       ret.rhythm AS retention_rhythm
                  FROM base b
                  LEFT JOIN referrals ref ON ref.partner_id = b.partner_id
                  LEFT JOIN retention ret ON ret.partner_id = b.partner_id
            )
            SELECT c.*, %(profit)s AS score_profit,
                   %(frequency)s AS score_frequency, %(tenure)s AS score_tenure,
                   %(referrals)s AS score_referrals, %(returns)s AS score_returns,
                   %(cost_to_serve)s AS score_cost_to_serve
              FROM measured c
            """,
            base=super()._customers_query(scope),
            retention=rules._rhythm_query(
                scope.companies, scope.company, scope.date_to, scope.tz
            ),
            **parts,
        )

    @api.model
    def _insert_values(self, scope, rules):
        parts = [SQL.identifier("cur", f"score_{name}") for name in WEIGHTED]
        return {
            **super()._insert_values(scope, rules),
            "value_score": SQL(
                "GREATEST(0.0, LEAST(100.0, %s))", SQL(" + ").join(parts)
            ),
            **{
                f"score_{name}": SQL.identifier("cur", f"score_{name}")
                for name in WEIGHTED
            },
            "referral_profit": SQL("cur.referral_profit"),
        }
