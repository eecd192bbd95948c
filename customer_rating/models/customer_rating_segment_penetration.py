# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

CARD_GROUP = "customer_rating.customer_rating_group_user"


class CustomerRatingSegmentPenetration(models.Model):
    """How many customers of each segment bought each product category, in
    the last 12 months up to a day, over the confirmed orders of a set of
    companies: what the customer card's cross-sell gaps compare a customer
    with (`res.partner._customer_rating_gaps`).

    The shares are an aggregate over every order line of the period, so
    they are computed once per day, company set and time zone (by the
    daily job, or by the first card that needs them) instead of on every
    card. They are computed over all the orders of those companies, not
    over the orders the user may read: a segment's habit is a fact about
    the market that only says "most customers like this one buy that
    category", never a customer's name or amount, and a salesperson who
    sees only their own orders would otherwise compare a customer with a
    handful of their own customers, differently from each colleague. The
    customer's own purchases stay those the user may read."""

    _name = "customer.rating.segment.penetration"
    _description = "Customer Rating segment penetration"
    _order = "date_to desc, id desc"
    _rec_name = "date_to"

    date_to = fields.Date(
        "Last Day", required=True, readonly=True, help="The last of the 12 months"
    )
    tz = fields.Char("Time Zone", required=True, readonly=True)
    company_key = fields.Char(
        required=True,
        readonly=True,
        index=True,
        help="The ids of the companies, sorted: what the shares are looked up by",
    )
    company_ids = fields.Many2many("res.company", string="Companies", readonly=True)
    rows = fields.Json(
        readonly=True,
        help="[is_company, industry_id, customers of the segment, category id, "
        "customers of the segment who bought it], most bought first",
    )

    @api.model
    def _usual_categories(self, scope, rows=None):
        """The categories each segment usually buys in `scope`'s period and
        companies (bought by at least `scope.gap_threshold` % of it, most
        bought first): {(is_company, industry_id or None): [category ids]},
        from `rows` (the shares as `_rows_query` gives them; None: not
        computed yet, they are first)."""
        usual = {}
        if rows is None:
            rows = self._rows(scope)
        for is_company, industry, customers, categ, buyers in rows:
            if 100.0 * buyers / customers >= scope.gap_threshold:
                usual.setdefault((bool(is_company), industry or None), []).append(categ)
        return usual

    @api.model
    def _rows(self, scope):
        """The shares of `scope`'s last day, companies and time zone,
        computed first when missing. As superuser: an aggregate over every
        customer of the companies the user works in (see the class), which
        the user never reads as records."""
        key = self._key(scope)
        domain = [
            ("company_key", "=", key),
            ("tz", "=", scope.tz),
            ("date_to", "=", scope.date_to),
        ]
        record = self.sudo().search_fetch(domain, ["rows"], limit=1)
        if not record and self.env.cr.readonly:
            # a read-only request (Odoo 18 reads forms in read-only
            # transactions) computes them without keeping them; the daily
            # job or the next read-write request stores them
            return self.sudo()._compute_rows(scope)
        if not record:
            record = self.sudo().create(
                {
                    "company_key": key,
                    "tz": scope.tz,
                    "date_to": scope.date_to,
                    "company_ids": [Command.set(scope.companies.ids)],
                    "rows": self.sudo()._compute_rows(scope),
                }
            )
        return record.rows

    @api.model
    def _rows_query(self, scope):
        """SQL: the shares of `scope`'s last day, companies and time zone, as
        one JSON value (NULL when not computed yet), for a query that reads
        them with other figures (the customer card)."""
        return SQL(
            """
            SELECT rows FROM customer_rating_segment_penetration
             WHERE company_key = %s AND tz = %s AND date_to = %s
             ORDER BY id DESC LIMIT 1
            """,
            self._key(scope),
            scope.tz,
            scope.date_to,
        )

    @api.model
    def _key(self, scope):
        return ",".join(str(company) for company in sorted(scope.companies.ids))

    @api.model
    def _compute_rows(self, scope):
        """One set-based query over the period's orders: the segments and
        their buyers per category, with the gap report's definitions
        (`customer.rating.gap.line._gap_ctes`)."""
        gaps = self.env["customer.rating.gap.line"]
        ctes = gaps._gap_ctes(scope)
        self.env["customer.rating.rules"]._flush_sources()
        return [
            list(row)
            for row in self.env.execute_query(
                SQL(
                    """
                    %s
                    SELECT s.is_company, s.industry_id, s.customers,
                           pen.categ_id, pen.buyers
                      FROM segments s
                      JOIN penetration pen ON pen.is_company = s.is_company
                       AND pen.industry_id IS NOT DISTINCT FROM s.industry_id
                     WHERE pen.categ_id IS NOT NULL
                     ORDER BY pen.buyers DESC, pen.categ_id
                    """,
                    gaps._with(
                        {
                            name: ctes[name]
                            for name in ("active", "bought", "segments", "penetration")
                        }
                    ),
                )
            )
        ]

    @api.model
    def _cron_refresh(self):
        """Drop the shares of past days and compute today's for the current
        company and time zone of every user of Customer Rating, so that no
        card waits for them."""
        self.search(
            [("date_to", "<", fields.Date.today() - timedelta(days=1))]
        ).unlink()
        users = self.env["res.users"].search(
            [("groups_id", "in", self.env.ref(CARD_GROUP).ids), ("share", "=", False)]
        )
        done = set()
        for user in users:
            env_user = self.with_user(user).with_context(
                allowed_company_ids=user.company_id.ids
            )
            scope = env_user.env["customer.rating.rules"]._card_scope()
            if (self._key(scope), scope.tz, scope.date_to) not in done:
                done.add((self._key(scope), scope.tz, scope.date_to))
                env_user._rows(scope)
