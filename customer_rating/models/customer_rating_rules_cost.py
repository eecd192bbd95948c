# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

NO_ROWS = SQL("SELECT NULL::int, 0::bigint, 0.0::float8 WHERE FALSE")


class CustomerRatingRules(models.AbstractModel):
    """Cost to serve: the interactions a customer took in a period and the
    hours timesheeted for it, as SQL the rating and the card join.

    Every record counted is one the user may read: the ORM's `_search`
    (`_readable`) builds the set of documents, meetings, timesheet lines,
    projects and tasks with every record rule of the user, and the SQL only
    counts within those sets."""

    _inherit = "customer.rating.rules"

    @api.model
    def _cost_models(self):
        """The models the interactions and hours are read from, flushed
        before the query (those of the optional modules when installed)."""
        models_ = ["mail.message", "res.partner", "res.users", "sale.order"]
        optional = ["calendar.event", "account.analytic.line"]
        optional += ["project.project", "project.task"]
        return models_ + [model for model in optional if model in self.env]

    @api.model
    def _interactions_query(self, scope, partners=None):
        """SQL: one row per customer (commercial partner) with its
        `interactions` and `hours` in the period of `scope`, from the
        messages and activities (`_messages_query`), the meetings
        (`_meetings_query`, with Calendar) and the timesheets
        (`_timesheets_query`, with Timesheets) the user may read.
        `partners` (commercial partners) restricts the count to them and
        their contacts (the card's page)."""
        for model in self._cost_models():
            self.env[model].flush_model()
        sources = [
            self._messages_query(scope, partners),
            self._meetings_query(scope, partners),
            self._timesheets_query(scope, partners),
        ]
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id,
                   SUM(i.interactions)::int AS interactions,
                   SUM(i.hours) AS hours
              FROM (%s) i
              JOIN res_partner p ON p.id = i.partner_id
             GROUP BY p.commercial_partner_id
            """,
            self._union(sources),
        )

    @api.model
    def _cost_partner_filter(self, column, partners):
        """SQL: the partner `column` is one of the commercial `partners` or
        their contacts (always true when `partners` is None)."""
        if partners is None:
            return SQL("TRUE")
        return SQL(
            "%s IN (SELECT id FROM res_partner WHERE commercial_partner_id IN %s)",
            column,
            tuple(partners.ids) or (0,),
        )

    @api.model
    def _messages_query(self, scope, partners):
        """SQL: (partner_id, interactions, hours) of the messages of the
        period on the customers and their contacts and on their sale orders
        (quotations included: they take work too) of the scope's branches:
        those written by hand by an internal user (message type comment:
        notes, logged calls, messages sent from the chatter) and the
        activities marked done (Odoo keeps one as a message, type
        notification, with its activity type), each message once. Automatic
        notifications and emails received are not interactions.

        mail.message's own `_search` reads every matching id in Python to
        apply its access rules, so it cannot give a subquery for a year of
        messages; an internal user may read a message on a document when he
        may read the document, so the messages are joined to the partners
        and sale orders that `_search` lets the user read instead. Those
        sets are asked only for the documents the period's interactions are
        on (`_interaction_messages`), not built whole and joined."""
        unarchived = self.with_context(active_test=False)
        contacts = unarchived._readable(
            "res.partner",
            [("id", "in", self._interaction_messages(scope, "res.partner"))],
        )
        orders = unarchived._readable(
            "sale.order",
            [
                ("id", "in", self._interaction_messages(scope, "sale.order")),
                ("company_id", "in", scope.companies.ids),
            ],
        )
        return SQL(
            """
            SELECT d.partner_id, COUNT(*) AS interactions, 0.0::float8 AS hours
              FROM mail_message m
              JOIN (SELECT 'res.partner'::varchar AS model, id AS res_id,
                           id AS partner_id
                      FROM res_partner
                     WHERE id IN (%(contacts)s) AND %(contact_filter)s
                     UNION ALL
                    SELECT 'sale.order'::varchar, id, partner_id
                      FROM sale_order
                     WHERE id IN (%(orders)s) AND %(order_filter)s) d
                ON d.model = m.model AND d.res_id = m.res_id
             WHERE %(interaction)s
             GROUP BY d.partner_id
            """,
            contacts=contacts,
            contact_filter=self._cost_partner_filter(SQL("id"), partners),
            orders=orders,
            order_filter=self._cost_partner_filter(SQL("partner_id"), partners),
            interaction=self._interaction_message(scope),
        )

    @api.model
    def _interaction_message(self, scope):
        """SQL: the message `m` is an interaction of the period of `scope`
        (see `_messages_query`)."""
        return SQL(
            """m.date >= %(start)s AND m.date < %(end)s
               AND (m.message_type = 'comment' OR m.mail_activity_type_id IS NOT NULL)
               AND EXISTS (SELECT 1 FROM res_users u
                            WHERE u.partner_id = m.author_id AND NOT u.share)""",
            start=scope.start,
            end=scope.end,
        )

    @api.model
    def _interaction_messages(self, scope, model):
        """SQL subquery: the ids of the records of `model` that have an
        interaction of the period of `scope`."""
        return SQL(
            "(SELECT m.res_id FROM mail_message m WHERE m.model = %s AND %s)",
            model,
            self._interaction_message(scope),
        )

    @api.model
    def _meetings_query(self, scope, partners):
        """SQL: (partner_id, interactions, hours) of the calendar meetings
        starting in the period that the user may read, one per customer
        among their attendees (two of its contacts at one meeting: one
        interaction); no rows without Calendar."""
        if "calendar.event" not in self.env:
            return NO_ROWS
        events = self._readable(
            "calendar.event",
            [("start", ">=", scope.start), ("start", "<", scope.end)],
        )
        return SQL(
            """
            SELECT a.commercial_partner_id AS partner_id,
                   COUNT(DISTINCT rel.calendar_event_id) AS interactions,
                   0.0::float8 AS hours
              FROM calendar_event_res_partner_rel rel
              JOIN res_partner a ON a.id = rel.res_partner_id
             WHERE rel.calendar_event_id IN (%s) AND %s
             GROUP BY a.commercial_partner_id
            """,
            events,
            self._cost_partner_filter(SQL("rel.res_partner_id"), partners),
        )

    @api.model
    def _timesheets_query(self, scope, partners):
        """SQL: (partner_id, interactions, hours) of the timesheet lines of
        the period in the scope's branches on a task or project of the
        customer (the task's customer, else the project's), among the lines,
        projects and tasks the user may read; no rows without Timesheets."""
        if "project_id" not in self.env["account.analytic.line"]._fields:
            return NO_ROWS
        unarchived = self.with_context(active_test=False)
        lines = self._readable(
            "account.analytic.line",
            [
                ("project_id", "!=", False),
                ("date", ">=", scope.date_from),
                ("date", "<=", scope.date_to),
                ("company_id", "in", scope.companies.ids),
            ],
        )
        customer = SQL("COALESCE(task.partner_id, project.partner_id)")
        return SQL(
            """
            SELECT %(customer)s AS partner_id, 0 AS interactions,
                   SUM(aal.unit_amount)::float8 AS hours
              FROM account_analytic_line aal
              JOIN project_project project ON project.id = aal.project_id
              LEFT JOIN project_task task ON task.id = aal.task_id
             WHERE aal.id IN (%(lines)s) AND project.id IN (%(projects)s)
               AND (aal.task_id IS NULL OR task.id IN (%(tasks)s))
               AND %(customer)s IS NOT NULL AND %(customer_filter)s
             GROUP BY 1
            """,
            customer=customer,
            lines=lines,
            projects=unarchived._readable("project.project", []),
            tasks=unarchived._readable("project.task", []),
            customer_filter=self._cost_partner_filter(customer, partners),
        )
