# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date, formatLang

OUTCOMES = [
    ("came_back", "Came back"),
    ("will_come_back", "Will come back"),
    ("away", "Temporarily away"),
    ("moved", "Moved"),
    ("competitor", "Switched to a competitor"),
    ("unhappy", "Unhappy with service"),
    ("price", "Price"),
    ("other", "Other"),
]
CALL_BACK_TYPE = "customer_rating.mail_activity_type_call_back"
MANAGER_GROUP = "customer_rating.customer_rating_group_manager"
# What closing a call-back writes: only `_close` (after its check) and the
# cancellation of its activity do, never a plain write.
CLOSING_FIELDS = {
    "state",
    "outcome",
    "reason_id",
    "feedback",
    "order_id",
    "date_closed",
}
# Customers given call-backs per run of the cron; the cron runs again at
# once while some are left (Odoo's cron progress API).
CRON_BATCH_SIZE = 1000


class CustomerRatingCallback(models.Model):
    """A call-back of a customer at risk, and its outcome.

    Odoo deletes an activity once it is done: the call-back keeps what the
    reports need (who, when, the outcome and the churn reason). The daily
    cron schedules one per absence of an at-risk customer: none while one is
    open, and none again until the customer buys."""

    _name = "customer.rating.callback"
    _description = "Customer call-back"
    _order = "date_scheduled desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company",
        "Branch",
        required=True,
        index=True,
        help="The branch of the customer's last order.",
    )
    user_id = fields.Many2one("res.users", "Assigned to", index=True)
    phone = fields.Char(related="partner_id.phone")
    mobile = fields.Char(related="partner_id.mobile")
    team_id = fields.Many2one(
        "crm.team", "Sales Team", help="The sales team of the customer's last order."
    )
    activity_id = fields.Many2one("mail.activity", index="btree_not_null")
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        index=True,
    )
    date_scheduled = fields.Date(required=True, default=fields.Date.context_today)
    date_closed = fields.Date(readonly=True)
    outcome = fields.Selection(OUTCOMES, index=True)
    reason_id = fields.Many2one("customer.rating.churn.reason", "Churn Reason")
    feedback = fields.Text()
    order_id = fields.Many2one(
        "sale.order",
        readonly=True,
        help="The order the customer came back with.",
    )
    last_purchase = fields.Date(readonly=True)
    rhythm = fields.Float(
        "Usual Rhythm (Days)", readonly=True, digits=(16, 1), aggregator="avg"
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    total_spent = fields.Monetary(readonly=True)

    def write(self, vals):
        """A call-back is a guarded state machine: its state and outcome
        change only when it is closed (`_close`: the Close wizard, or the
        customer's next order) or its activity is cancelled; only the
        assignee, the creator or a Customer Rating manager may reassign it
        (the activity follows)."""
        if CLOSING_FIELDS & set(vals) and not self.env.su:
            raise UserError(
                self.env._(
                    "A call-back is closed with its Close button, which asks for "
                    "its outcome, or when the customer orders again."
                )
            )
        if "user_id" in vals:
            self._check_can_act()
        result = super().write(vals)
        if "user_id" in vals:
            activities = self.activity_id.filtered(
                lambda activity: activity.user_id.id != vals["user_id"]
            )
            # sudo: the reassignment was allowed above; the activity follows
            activities.sudo().write({"user_id": vals["user_id"]})
        return result

    def _check_can_act(self):
        """Only the assignee, the creator of a call-back or a Customer
        Rating manager may close or reassign it."""
        user = self.env.user
        if self.env.su or user.has_group(MANAGER_GROUP):
            return
        refused = self.sudo().filtered(
            lambda callback: user not in callback.user_id | callback.create_uid
        )
        if refused:
            raise AccessError(
                self.env._(
                    "Only the person a call-back is assigned to, its creator or a "
                    "Customer Rating manager may close or reassign it "
                    "(%(customers)s).",
                    customers=", ".join(refused.partner_id.mapped("display_name")),
                )
            )

    def action_close(self):
        """Ask for the outcome of these call-backs."""
        if self.filtered(lambda callback: callback.state != "open"):
            raise UserError(self.env._("Only open call-backs can be closed."))
        self._check_can_act()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Call-back"),
            "res_model": "customer.rating.callback.close",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_callback_ids": self.ids},
        }

    def _close(self, outcome, reason=None, feedback=False, order=None):
        """Record the outcome of these open call-backs and mark their
        activities done."""
        self._check_can_act()
        # sudo: the closing fields are written here only, after the check
        self.sudo().write(
            {
                "state": "done",
                "outcome": outcome,
                "reason_id": reason.id if reason else False,
                "feedback": feedback,
                "date_closed": fields.Date.context_today(self),
                **self._came_back_with(order),
            }
        )
        label = dict(OUTCOMES)[outcome]
        for callback in self.filtered("activity_id"):
            text = ": ".join(filter(None, [label, reason and reason.name, feedback]))
            callback.activity_id.action_feedback(feedback=text)

    @api.model
    def _came_back_with(self, order):
        """The values that keep the order (of any channel) the customer
        came back with."""
        return {"order_id": order.id if order else False}

    # ------------------------------------------------------------------
    # The daily cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_schedule_call_backs(self, batch_size=CRON_BATCH_SIZE):
        """The daily retention job. It refreshes the stored retention state
        of every customer with one query (once per run: when the previous
        run left nothing to do), then works through what that state calls
        for, `batch_size` customers at a time: a reminder for those due soon
        (once per expected purchase) and a call-back for those at risk (once
        per absence). Each batch reports its progress to the cron, which
        runs this again while customers are left; a batch only reads and
        writes its own customers, and is all or nothing (a savepoint; the
        cron commits). A second run finds nothing to do."""
        partners = self.env["res.partner"]
        todo = self._retention_todo()
        if not todo:
            partners._customer_rating_refresh_retention()
            todo = self._retention_todo()
        batch, rest = todo[:batch_size], todo[batch_size:]
        with self.env.cr.savepoint():
            self._work_through(batch)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(rest))
        return len(batch)

    @api.model
    def _retention_companies(self):
        """The companies the cron looks at: all those its user may access."""
        return self.env["res.company"].search([])

    @api.model
    def _needs_reminder(self, state, next_purchase, partner="p"):
        """SQL: a customer (alias `partner`) in retention `state` expected
        back on `next_purchase` gets a reminder when due soon and not yet
        reminded of that expected purchase."""
        return SQL(
            "(%(state)s = 'due_soon' AND %(reminded)s IS DISTINCT FROM %(next)s)",
            state=state,
            reminded=SQL.identifier(partner, "customer_rating_reminded_for"),
            next=next_purchase,
        )

    @api.model
    def _needs_call_back(self, state, last_purchase, partner="p"):
        """SQL: a customer (alias `partner`) in retention `state` who last
        bought on `last_purchase` gets a call-back when at risk, with no open
        call-back and none since that purchase (one per absence)."""
        return SQL(
            """(%(state)s = 'at_risk' AND NOT EXISTS (
                    SELECT 1 FROM customer_rating_callback cb
                     WHERE cb.partner_id = %(partner)s
                       AND (cb.state = 'open' OR cb.date_scheduled >= %(last)s)))""",
            state=state,
            partner=SQL.identifier(partner, "id"),
            last=last_purchase,
        )

    @api.model
    def _retention_todo(self):
        """The ids of the customers whose stored retention state calls for a
        reminder or a call-back, with one query on the stored state."""
        self.env["res.partner"].flush_model()
        self.flush_model()
        stored = {
            "state": SQL("p.customer_rating_retention_state"),
            "next": SQL("p.customer_rating_retention_next"),
            "last": SQL("p.customer_rating_retention_last"),
        }
        return self.env.execute_query(
            SQL(
                "SELECT p.id FROM res_partner p WHERE %s OR %s ORDER BY p.id",
                self._needs_reminder(stored["state"], stored["next"]),
                self._needs_call_back(stored["state"], stored["last"]),
            )
        )

    @api.model
    def _work_through(self, batch):
        """Refresh the state of the customers of `batch` (rows of
        `_retention_todo`) from their orders of now, then remind those still
        due soon and call back those still at risk: one query reads and
        refreshes them."""
        partner_ids = [row[0] for row in batch]
        if not partner_ids:
            return
        partners = self.env["res.partner"]
        self.flush_model()
        rows = partners._customer_rating_refresh_and_read(
            partner_ids,
            SQL(
                "%s AS needs_reminder, %s AS needs_call_back",
                self._needs_reminder(SQL("s.state"), SQL("s.next_purchase")),
                self._needs_call_back(SQL("s.state"), SQL("s.last_purchase")),
            ),
        )
        partners._customer_rating_remind([row for row in rows if row["needs_reminder"]])
        self._schedule([row for row in rows if row["needs_call_back"]])

    @api.model
    def _schedule(self, rows):
        """One call-back activity and its call-back per row."""
        if not rows:
            return self
        assignees = self._assignees(rows)
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_type = self.env.ref(CALL_BACK_TYPE)
        today = fields.Date.context_today(self)
        currency = self.env.company.currency_id
        partners = self.env["res.partner"].browse([row["partner_id"] for row in rows])
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": row["partner_id"],
                        "activity_type_id": activity_type.id,
                        "user_id": assignees[row["partner_id"]].id,
                        "date_deadline": today,
                        "summary": self._summary(activity_type, partner),
                        "note": self._note(
                            row, currency, assignees[row["partner_id"]], partner
                        ),
                    }
                    for row, partner in zip(rows, partners, strict=True)
                ]
            )
        )
        return self.create(
            [
                {
                    "partner_id": row["partner_id"],
                    "company_id": row["company_id"],
                    "user_id": activity.user_id.id,
                    "team_id": row["team_id"],
                    "activity_id": activity.id,
                    "date_scheduled": today,
                    "last_purchase": row["last_purchase"],
                    "rhythm": row["rhythm"],
                    "currency_id": currency.id,
                    "total_spent": row["total_spent"],
                }
                for row, activity in zip(rows, activities, strict=True)
            ]
        )

    @api.model
    def _assignees(self, rows):
        """{customer id: user}: the customer's salesperson, else the leader
        of the sales team of their last order, else the fallback user of
        Settings; the first of them who can read the customer, else the
        cron's own user."""
        partners = self.env["res.partner"].browse([row["partner_id"] for row in rows])
        fallback = self._fallback_user()
        readable = {}

        def can_read(user, partner):
            if not user or not user.active or user.share:
                return False
            if user not in readable:
                # in any of the user's companies, whatever the cron's are
                readable[user] = (
                    partners.with_user(user)
                    .with_context(allowed_company_ids=user.company_ids.ids)
                    ._filtered_access("read")
                )
            return partner in readable[user]

        assignees = {}
        for row, partner in zip(rows, partners, strict=True):
            candidates = [
                self.env["res.users"].browse(row["user_id"]),
                self.env["crm.team"].browse(row["team_id"]).user_id,
                fallback,
            ]
            assignees[partner.id] = next(
                (user for user in candidates if can_read(user, partner)),
                self.env.user,
            )
        return assignees

    @api.model
    def _fallback_user(self):
        user_id = (
            self.env["ir.config_parameter"]
            .sudo()  # reading a setting only
            .get_param("customer_rating.callback_user_id")
        )
        return self.env["res.users"].browse(int(user_id or 0)).exists()

    @api.model
    def _phones(self, partner):
        """The numbers to call the customer on: the first two distinct
        phone and mobile numbers of the customer, then of its contacts."""
        contacts = partner | partner.child_ids
        return [
            number
            for number in dict.fromkeys(
                contacts.mapped("phone") + contacts.mapped("mobile")
            )
            if number
        ][:2]

    @api.model
    def _summary(self, activity_type, partner):
        """The activity's summary, with the number to call: the chatter and
        the activity views show it without opening the note."""
        phones = self._phones(partner)
        if not phones:
            return activity_type.summary
        return f"{activity_type.summary} ({phones[0]})"

    @api.model
    def _note(self, row, currency, user, partner=None):
        """Why the customer is to be called, and on which numbers, in the
        assignee's language."""
        env = self.with_context(lang=user.lang).env
        note = env._(
            "<p>Last purchase on %(last)s, %(days)s days ago; usually buys every "
            "%(rhythm)s days. Spent %(total)s in %(orders)s orders.</p>",
            last=format_date(env, row["last_purchase"]),
            days=row["days_since"],
            rhythm=round(row["rhythm"]),
            total=formatLang(env, row["total_spent"], currency_obj=currency),
            orders=row["order_count"],
        )
        phones = self._phones(partner) if partner else []
        if phones:
            # the note is the translated HTML above; the numbers are escaped
            return Markup(note) + Markup("<p>%s</p>") % env._(
                "Phone: %(phones)s", phones=", ".join(phones)
            )
        return note
