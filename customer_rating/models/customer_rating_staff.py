# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

STAFF_ALERT_TYPE = "customer_rating.mail_activity_type_departed_regulars"
MANAGER_GROUP = "customer_rating.customer_rating_group_manager"


class CustomerRatingStaff(models.AbstractModel):
    """The employees who serve customers (the order's salesperson, the
    cashier's user at the Point of Sale): who has left, and the daily alert
    when the regular customers of someone who left start becoming at risk."""

    _name = "customer.rating.staff"
    _description = "Customer Rating staff"

    @api.model
    def _departed(self, alias):
        """SQL: true when the user (`alias`: an alias of res_users) has left:
        an archived user, or, with Employees installed, a user whose linked
        employees are all archived."""
        departed = SQL("NOT %s", SQL.identifier(alias, "active"))
        if "hr.employee" not in self.env:
            return departed
        employees = SQL(
            "SELECT 1 FROM hr_employee he WHERE he.user_id = %s",
            SQL.identifier(alias, "id"),
        )
        return SQL(
            "(%s OR (EXISTS (%s AND NOT he.active)"
            " AND NOT EXISTS (%s AND he.active)))",
            departed,
            employees,
            employees,
        )

    @api.model
    def _cron_alert_departed_regulars(self):
        """For each employee who left, one activity for their manager
        listing their regular customers (bought on two days or more, and
        the employee served their last order) who have become at risk since
        the last such alert (the first alert lists all of them). Run again
        on the same day, it finds nothing new: one activity per wave."""
        rows = self._departed_regulars_at_risk()
        if not rows:
            return self.env["mail.activity"]
        activity_type = self.env.ref(STAFF_ALERT_TYPE)
        users = self.env["res.users"].browse([row["user_id"] for row in rows])
        model_id = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": user.partner_id.id,
                        "activity_type_id": activity_type.id,
                        "user_id": self._alert_manager(user).id,
                        "date_deadline": today,
                        "summary": activity_type.summary,
                        "note": self._alert_note(
                            user, self.env["res.partner"].browse(row["partner_ids"])
                        ),
                    }
                    for row, user in zip(rows, users, strict=True)
                ]
            )
        )

    @api.model
    def _departed_regulars_at_risk(self):
        """[{user_id, partner_ids}]: per employee who left, their regulars at
        risk today whose at-risk day is later than the day of the last alert
        about that employee (open or done)."""
        # sudo: the cron looks at every customer of every company, whoever
        # sold to them; the activity only names them to a manager.
        companies = self.env["res.company"].sudo().search([])
        rules = (
            self.env["customer.rating.rules"]
            .sudo()
            .with_context(allowed_company_ids=companies.ids)
        )
        rules._flush_sources()
        self.env["mail.activity"].flush_model()
        self.env["mail.message"].flush_model()
        type_id = self.env.ref(STAFF_ALERT_TYPE).id
        self.env.cr.execute(
            SQL(
                """
                WITH retention AS (%(retention)s), alerts AS (
                    SELECT res_id AS partner_id, create_date::date AS day
                      FROM mail_activity
                     WHERE activity_type_id = %(type_id)s AND res_model = 'res.partner'
                     UNION ALL
                    SELECT res_id, date::date
                      FROM mail_message
                     WHERE mail_activity_type_id = %(type_id)s AND model = 'res.partner'
                )
                SELECT u.id AS user_id,
                       array_agg(r.partner_id ORDER BY r.partner_id) AS partner_ids
                  FROM retention r
                  JOIN res_users u ON u.id = r.last_user_id
                 WHERE r.status = 'at_risk' AND r.median_gap IS NOT NULL
                   AND %(departed)s
                   AND r.at_risk_date > COALESCE(
                       (SELECT MAX(a.day) FROM alerts a
                         WHERE a.partner_id = u.partner_id), '-infinity'::date)
                 GROUP BY u.id
                 ORDER BY u.id
                """,
                retention=rules._retention_query(
                    companies, self.env.company, rules._today(), rules._tz()
                ),
                type_id=type_id,
                departed=self._departed("u"),
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _alert_manager(self, user):
        """Who is told about a departed employee's regulars: the leader of
        their (last) sales team, else the call-back user of Settings, else the
        first Customer Rating manager, else the cron's user."""
        callbacks = self.env["customer.rating.callback"]
        # archiving a user archives their team memberships: the last one
        membership = (
            self.env["crm.team.member"]
            .with_context(active_test=False)
            .search([("user_id", "=", user.id)], order="active desc, id desc", limit=1)
        )
        candidates = [
            membership.crm_team_id.user_id,
            callbacks._fallback_user(),
            self.env.ref(MANAGER_GROUP).users.filtered("active").sorted("id")[:1],
        ]
        return next(
            (
                candidate
                for candidate in candidates
                if candidate and candidate.active and candidate != user
            ),
            self.env.user,
        )

    @api.model
    def _alert_note(self, user, customers):
        """The activity's note: who left and which of their regulars are now
        at risk, in the language of the manager."""
        env = self.with_context(lang=self._alert_manager(user).lang).env
        intro = env._(
            "%(employee)s has left; %(count)s of their regular customers are now "
            "at risk:",
            employee=user.name,
            count=len(customers),
        )
        items = Markup("").join(
            Markup("<li>%s</li>") % name for name in customers.mapped("display_name")
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (intro, items)
