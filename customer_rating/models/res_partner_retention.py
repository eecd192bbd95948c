# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from itertools import groupby

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from .res_partner_card import CARD_GROUP

RETENTION_STATUSES = [
    ("active", "Active"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
]
RETENTION_STATES = [
    ("new", "New"),
    ("active", "Active"),
    ("due_soon", "Due Soon"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
    ("archived", "Archived"),
]
REMIND_TYPE = "customer_rating.mail_activity_type_remind"
REMIND_TEMPLATE = "customer_rating.mail_template_due_soon"
# The stored retention fields of a customer and the column of
# `_customer_rating_state_rows` each one is refreshed from.
STORED_RETENTION = {
    "customer_rating_retention_state": "state",
    "customer_rating_retention_rhythm": "rhythm",
    "customer_rating_retention_last": "last_purchase",
    "customer_rating_retention_next": "next_purchase",
    "customer_rating_retention_branch_id": "company_id",
}


class ResPartner(models.Model):
    """Where a customer stands, in two ways.

    Live (`customer_rating_retention`, `customer_rating_due_soon`): today,
    over the orders the user may read in the companies they work in, as the
    dashboard counts them; nothing stored.

    Stored (`customer_rating_retention_*`): the shop's view, refreshed on the
    commercial partner by the daily retention job in set-based SQL over
    every counted order of every company (as the call-backs are), so that
    any Odoo tool (lists, saved filters, mass mailing, SMS, marketing
    automation) can search and group by it without code of ours."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    customer_rating_retention_state = fields.Selection(
        RETENTION_STATES,
        "Retention State",
        readonly=True,
        index=True,
        groups=CARD_GROUP,
        help="Refreshed every night by the retention job: new (ordered on one day "
        "only), active, due soon (expected next purchase within the days of "
        "Settings), at risk, lost, or archived (communication stopped).",
    )
    customer_rating_retention_rhythm = fields.Float(
        "Rhythm (Days)",
        readonly=True,
        digits=(16, 1),
        groups=CARD_GROUP,
        help="Median days between two days the customer ordered on (the default "
        "rhythm of Settings for who ordered on one day only).",
    )
    customer_rating_retention_last = fields.Date(
        "Last Purchase Day", readonly=True, groups=CARD_GROUP
    )
    customer_rating_retention_next = fields.Date(
        "Next Purchase Expected",
        readonly=True,
        groups=CARD_GROUP,
        help="Last purchase plus the rhythm.",
    )
    customer_rating_retention_overdue = fields.Integer(
        "Days Overdue",
        compute="_compute_customer_rating_retention_overdue",
        search="_search_customer_rating_retention_overdue",
        groups=CARD_GROUP,
        help="Days since the expected next purchase (0 when not yet due).",
    )
    customer_rating_retention_branch_id = fields.Many2one(
        "res.company",
        "Last Branch",
        readonly=True,
        groups=CARD_GROUP,
        help="The branch of the customer's last order.",
    )
    customer_rating_reminded_for = fields.Date(
        "Reminded For",
        readonly=True,
        copy=False,
        groups=CARD_GROUP,
        help="The expected next purchase the customer was last reminded of.",
    )

    customer_rating_retention = fields.Selection(
        RETENTION_STATUSES,
        "Retention",
        compute="_compute_customer_rating_retention",
        search="_search_customer_rating_retention",
        groups=CARD_GROUP,
        help="Today: active, at risk (no purchase for k times the usual rhythm) "
        "or lost (the lost factor times it)",
    )
    customer_rating_due_soon = fields.Boolean(
        "Purchase Due Soon",
        compute="_compute_customer_rating_retention",
        search="_search_customer_rating_due_soon",
        groups=CARD_GROUP,
        help="Active, and their expected next purchase falls in the next days",
    )

    @api.depends("customer_rating_retention_next")
    @api.depends_context("tz")
    def _compute_customer_rating_retention_overdue(self):
        """Today minus the stored expected purchase. Not stored: it would
        change every day for every overdue customer, and the nightly refresh
        would rewrite all of them (each write of a partner updates its ~30
        indexes); stored, the state changes on a purchase or a change of
        state only."""
        today = self.env["customer.rating.rules"]._today()
        for partner in self:
            expected = partner.customer_rating_retention_next
            partner.customer_rating_retention_overdue = (
                max((today - expected).days, 0) if expected else 0
            )

    def _search_customer_rating_retention_overdue(self, operator, value):
        """`overdue <op> n` as a condition on the expected purchase: overdue
        is today minus it, and 0 until it is due."""
        flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}
        if operator not in flipped or not isinstance(value, int) or value < 0:
            raise UserError(self.env._("Unsupported search on Days Overdue."))
        day = self.env["customer.rating.rules"]._today() - timedelta(days=value)
        if value == 0 and operator in ("=", "<="):
            return [("customer_rating_retention_next", ">=", day)]
        return [("customer_rating_retention_next", flipped[operator], day)]

    @api.model
    def _customer_rating_retention_rows(self, condition=None):
        """SQL: partner ids of the retention query of today for the user,
        its rows `r` matching `condition`."""
        rules = self.env["customer.rating.rules"]
        rules._flush_sources()
        today = rules._today()
        return SQL(
            "(SELECT r.partner_id FROM (%s) r WHERE %s)",
            rules._retention_query(
                self.env.companies, self.env.company, today, rules._tz()
            ),
            condition or SQL("TRUE"),
        )

    @api.depends_context("company", "allowed_company_ids", "tz", "uid")
    def _compute_customer_rating_retention(self):
        rules = self.env["customer.rating.rules"]
        today = rules._today()
        commercial = self.commercial_partner_id.filtered("id")
        rows = {}
        if commercial:
            self.env.cr.execute(
                SQL(
                    "SELECT r.partner_id, r.status, %s AS due_soon FROM (%s) r"
                    " WHERE r.partner_id IN %s",
                    rules._due_soon("r", today, rules._due_soon_days()),
                    rules._retention_query(
                        self.env.companies, self.env.company, today, rules._tz()
                    ),
                    tuple(commercial.ids),
                )
            )
            rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            status, due = rows.get(partner.commercial_partner_id.id, (False, False))
            partner.customer_rating_retention = status
            partner.customer_rating_due_soon = due

    def _search_customer_rating_retention(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(self.env._("Unsupported search on the retention."))
        statuses = [value] if isinstance(value, str) else list(value)
        return [
            (
                "commercial_partner_id",
                "in",
                self._customer_rating_retention_rows(
                    SQL("r.status IN %s", tuple(statuses))
                ),
            )
        ]

    def _search_customer_rating_due_soon(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Purchase Due Soon."))
        rules = self.env["customer.rating.rules"]
        rows = self._customer_rating_retention_rows(
            rules._due_soon("r", rules._today(), rules._due_soon_days())
        )
        wanted = (operator == "=") == value
        return [("commercial_partner_id", "in" if wanted else "not in", rows)]

    # ------------------------------------------------------------------
    # The stored retention state (refreshed by the daily retention job)
    # ------------------------------------------------------------------

    @api.model
    def _customer_rating_state_rows(self, partner_ids=None):
        """SQL: one row per customer of the retention rule of today over the
        counted orders of every company the cron covers (the customers
        `partner_ids` only, if given), archived-status customers included,
        with their state and expected next purchase.

        The caller runs it as superuser: the stored state is the shop's,
        the same for every user, as the call-backs are."""
        rules = self.env["customer.rating.rules"]
        companies = self.env["customer.rating.callback"]._retention_companies()
        rules = rules.with_context(allowed_company_ids=companies.ids)
        today = rules._today()
        domain = []
        if partner_ids is not None:
            domain = [("partner_id.commercial_partner_id", "in", list(partner_ids))]
        return SQL(
            """
            SELECT r.*, %(state)s AS state, %(expected)s AS next_purchase
              FROM (%(retention)s) r
            """,
            state=rules._retention_state("r", today, rules._due_soon_days()),
            expected=rules._expected_purchase("r"),
            retention=rules._retention_query(
                companies,
                self.env.company,
                today,
                rules._tz(),
                domain=domain,
                with_stopped=True,
            ),
        )

    @api.model
    def _customer_rating_refresh_retention(self, partner_ids=None):
        """Store the retention state of every customer (of `partner_ids`
        only, if given) with one UPDATE: rows whose figures changed are
        written, customers who no longer have any (archived contacts,
        cancelled orders) are cleared. Returns the number of rows written."""
        self.env.cr.execute(
            self._customer_rating_refresh_sql(
                partner_ids, SQL("SELECT count(*) FROM updated")
            )
        )
        self.invalidate_model(list(STORED_RETENTION))
        return self.env.cr.fetchone()[0]

    @api.model
    def _customer_rating_refresh_and_read(self, partner_ids, columns):
        """Refresh the stored state of the customers `partner_ids` (see
        `_customer_rating_refresh_retention`) and return, with the same
        query, their rows of the retention rule (`_customer_rating_state_rows`)
        with `columns` (SQL on the row `s` and the customer `p` as it was
        before the refresh)."""
        self.env.cr.execute(
            self._customer_rating_refresh_sql(
                partner_ids,
                SQL(
                    "SELECT s.*, %s FROM s JOIN res_partner p ON p.id = s.partner_id"
                    " ORDER BY s.partner_id",
                    columns,
                ),
            )
        )
        rows = self.env.cr.dictfetchall()
        self.invalidate_model(list(STORED_RETENTION))
        return rows

    @api.model
    def _customer_rating_refresh_sql(self, partner_ids, result):
        """The refresh statement, whose own SELECT is `result` (on the rows
        `s` of the rule and the CTE `updated` of the partner ids written).

        Written in SQL without the ORM's write (no tracking, no write date):
        100,000 customers are refreshed in one statement. The rows are
        materialized once: left for PostgreSQL to inline, the join of every
        partner to the retention rule may become a nested loop that
        recomputes the rule for each partner."""
        self.env["customer.rating.rules"]._flush_sources()
        self.flush_model(list(STORED_RETENTION))
        stored = SQL(", ").join(SQL.identifier("p", name) for name in STORED_RETENTION)
        fresh = SQL(", ").join(
            SQL.identifier("s", column) for column in STORED_RETENTION.values()
        )
        scope = SQL("TRUE")
        if partner_ids is not None:
            scope = SQL("p.id IN %s", tuple(partner_ids) or (0,))
        # sudo: the stored state is the shop's, over every counted order
        rows = self.sudo()._customer_rating_state_rows(partner_ids)
        return SQL(
            """
            WITH s AS MATERIALIZED (%(rows)s),
            changed AS MATERIALIZED (
                SELECT p.id, %(fresh)s
                  FROM res_partner p
                  LEFT JOIN s ON s.partner_id = p.id
                 WHERE %(scope)s
                   AND (s.partner_id IS NOT NULL
                        OR p.customer_rating_retention_state IS NOT NULL)
                   AND (%(stored)s) IS DISTINCT FROM (%(fresh)s)
            ),
            updated AS (
                UPDATE res_partner p SET %(assignments)s
                  FROM changed c WHERE p.id = c.id
                RETURNING p.id
            )
            %(result)s
            """,
            rows=rows,
            fresh=fresh,
            stored=stored,
            scope=scope,
            assignments=SQL(", ").join(
                SQL("%s = c.%s", SQL.identifier(name), SQL.identifier(column))
                for name, column in STORED_RETENTION.items()
            ),
            result=result,
        )

    # ------------------------------------------------------------------
    # Reminders of customers due soon
    # ------------------------------------------------------------------

    @api.model
    def _customer_rating_reminder_mode(self):
        """How customers due soon are reminded (Settings): `activity` (a
        Remind activity for whoever would call them back, the default) or
        `email` (the template of Settings, sent to the customer)."""
        params = self.env["ir.config_parameter"].sudo()  # reading settings only
        return params.get_param("customer_rating.reminder_mode") or "activity"

    @api.model
    def _customer_rating_remind(self, rows):
        """Remind the customers of `rows` (rows of the retention rule, due
        soon) of their expected next purchase, and remember which one they
        were reminded of (none is reminded twice of the same). By email
        when Settings say so and the customer has an address that is not
        blacklisted; otherwise, or without an address, with a Remind
        activity."""
        if not rows:
            return
        partners = self.browse([row["partner_id"] for row in rows])
        emailed = self.browse()
        if self._customer_rating_reminder_mode() == "email":
            emailed = partners.filtered(
                lambda partner: partner.email and not partner.is_blacklisted
            )
            emailed.message_post_with_source(
                self._customer_rating_reminder_template(),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self._customer_rating_remind_by_activity(
            [row for row in rows if row["partner_id"] not in emailed.ids]
        )
        by_date = sorted(rows, key=lambda row: row["next_purchase"])
        for expected, same in groupby(by_date, key=lambda row: row["next_purchase"]):
            self.browse([row["partner_id"] for row in same]).write(
                {"customer_rating_reminded_for": expected}
            )

    @api.model
    def _customer_rating_reminder_template(self):
        params = self.env["ir.config_parameter"].sudo()  # reading settings only
        template_id = params.get_param("customer_rating.reminder_template_id")
        template = self.env["mail.template"].browse(int(template_id or 0)).exists()
        return template or self.env.ref(REMIND_TEMPLATE)

    @api.model
    def _customer_rating_remind_by_activity(self, rows):
        """A Remind activity per row, for the user a call-back would go to
        (`customer.rating.callback._assignees`), due on the expected
        purchase, with a note saying why in the assignee's language."""
        if not rows:
            return
        callbacks = self.env["customer.rating.callback"]
        assignees = callbacks._assignees(rows)
        activity_type = self.env.ref(REMIND_TYPE)
        model_id = self.env["ir.model"]._get_id("res.partner")
        partners = self.browse([row["partner_id"] for row in rows])
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": row["partner_id"],
                    "activity_type_id": activity_type.id,
                    "user_id": assignees[row["partner_id"]].id,
                    "date_deadline": fields.Date.context_today(self),
                    "summary": callbacks._summary(activity_type, partner),
                    "note": self._customer_rating_reminder_note(
                        row, assignees[row["partner_id"]]
                    ),
                }
                for row, partner in zip(rows, partners, strict=True)
            ]
        )

    @api.model
    def _customer_rating_reminder_note(self, row, user):
        env = self.with_context(lang=user.lang).env
        return env._(
            "<p>Expected back around %(next)s: usually buys every %(rhythm)s days, "
            "last purchase on %(last)s. Remind them of the current offers.</p>",
            next=format_date(env, row["next_purchase"]),
            rhythm=round(row["rhythm"]),
            last=format_date(env, row["last_purchase"]),
        )
