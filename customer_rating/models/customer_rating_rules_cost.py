# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class CustomerRatingRules(models.AbstractModel):
    """Cost to serve: the interactions a customer took in a period and the
    hours timesheeted for it, as SQL the rating and the card join."""

    _inherit = "customer.rating.rules"

    @api.model
    def _interactions_query(self, scope, partners=None):
        """SQL: one row per customer (commercial partner) with its
        `interactions` and `hours` in the period of `scope`:

        - messages of type comment written by internal users (notes and
          messages logged by hand, not automatic notifications) on the
          customer or its contacts and on its sale orders, and activities
          marked done (Odoo keeps them as messages with an activity type);
        - meetings (`_meetings_query`) and timesheet hours
          (`_timesheets_query`) when their modules are installed.

        They are counted in SQL, not through the record rules of
        mail.message: only a count per customer comes out, and the rating
        and the card show it for customers whose orders the user may read
        already (the rules layer's), never a message. `partners` (commercial
        partners) restricts the count to them (the card's page)."""
        for model in ("mail.message", "sale.order", "res.partner", "res.users"):
            self.env[model].flush_model()
        customer = SQL("TRUE")
        if partners is not None:
            customer = SQL("p.commercial_partner_id IN %s", tuple(partners.ids or [0]))
        sources = [
            self._messages_query(scope),
            self._meetings_query(scope),
            self._timesheets_query(scope),
        ]
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id,
                   SUM(i.interactions) AS interactions, SUM(i.hours) AS hours
              FROM (%s) i
              JOIN res_partner p ON p.id = i.partner_id
             WHERE %s
             GROUP BY p.commercial_partner_id
            """,
            SQL(" UNION ALL ").join(source for source in sources if source),
            customer,
        )

    @api.model
    def _messages_query(self, scope):
        """SQL: (partner_id, interactions, hours) of the messages logged by
        internal users on partners and sale orders in the period."""
        return SQL(
            """
            SELECT CASE WHEN m.model = 'res.partner' THEN m.res_id
                        ELSE so.partner_id END AS partner_id,
                   COUNT(*) AS interactions, 0.0::float8 AS hours
              FROM mail_message m
              LEFT JOIN sale_order so
                     ON m.model = 'sale.order' AND so.id = m.res_id
             WHERE m.model IN ('res.partner', 'sale.order')
               AND (m.message_type = 'comment'
                    OR m.mail_activity_type_id IS NOT NULL)
               AND m.date >= %s AND m.date < %s
               AND EXISTS (SELECT 1 FROM res_users u
                            WHERE u.partner_id = m.author_id AND NOT u.share)
             GROUP BY 1
            """,
            scope.start,
            scope.end,
        )

    @api.model
    def _meetings_query(self, scope):
        """SQL: (partner_id, interactions, hours) of the calendar meetings
        starting in the period, one per attendee; None without `calendar`."""
        if "calendar.event" not in self.env:
            return None
        self.env["calendar.event"].flush_model()
        return SQL(
            """
            SELECT rel.res_partner_id AS partner_id,
                   COUNT(*) AS interactions, 0.0::float8 AS hours
              FROM calendar_event ev
              JOIN calendar_event_res_partner_rel rel
                ON rel.calendar_event_id = ev.id
             WHERE ev.active AND ev.start >= %s AND ev.start < %s
             GROUP BY rel.res_partner_id
            """,
            scope.start,
            scope.end,
        )

    @api.model
    def _timesheets_query(self, scope):
        """SQL: (partner_id, interactions, hours) of the timesheet lines of
        the period on a task or project of the customer (the task's
        customer, else the project's); None without `hr_timesheet`."""
        if "project_id" not in self.env["account.analytic.line"]._fields:
            return None
        for model in ("account.analytic.line", "project.project", "project.task"):
            self.env[model].flush_model()
        return SQL(
            """
            SELECT COALESCE(task.partner_id, project.partner_id) AS partner_id,
                   0 AS interactions, SUM(aal.unit_amount) AS hours
              FROM account_analytic_line aal
              JOIN project_project project ON project.id = aal.project_id
              LEFT JOIN project_task task ON task.id = aal.task_id
             WHERE aal.date >= %s AND aal.date <= %s
               AND COALESCE(task.partner_id, project.partner_id) IS NOT NULL
             GROUP BY 1
            """,
            scope.date_from,
            scope.date_to,
        )
