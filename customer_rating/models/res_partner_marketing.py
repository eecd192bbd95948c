# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class ResPartner(models.Model):
    """Marketing: where a customer came from (acquisition source), who
    referred them, and their marketing instruments."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    utm_source_id = fields.Many2one(
        "utm.source",
        "Acquisition Source",
        index="btree_not_null",
        help="Where the customer came from: the source of their first order "
        "(or lead) when left empty. Orders keep their own source.",
    )
    customer_rating_referred_by_id = fields.Many2one(
        "res.partner",
        "Referred By",
        index="btree_not_null",
        help="The customer who brought this one; they earn bonus points at "
        "this customer's first confirmed order.",
    )
    customer_rating_referral_ids = fields.One2many(
        "res.partner",
        "customer_rating_referred_by_id",
        "Referrals",
        domain=[("parent_id", "=", False)],
    )
    customer_rating_instrument_ids = fields.One2many(
        "loyalty.card",
        "partner_id",
        "Marketing Instruments",
        context={"active_test": False},
    )
    customer_rating_instrument_code = fields.Char(
        "Card or Coupon Code",
        compute="_compute_customer_rating_instrument_code",
        search="_search_customer_rating_instrument_code",
        help="Find a customer by the code of one of their current marketing "
        "instruments (typed or scanned).",
    )

    @api.constrains("customer_rating_referred_by_id")
    def _check_customer_rating_referrer(self):
        for partner in self.filtered("customer_rating_referred_by_id"):
            referrer = partner.customer_rating_referred_by_id.commercial_partner_id
            if referrer == partner.commercial_partner_id:
                raise ValidationError(
                    self.env._("A customer cannot be referred by themselves.")
                )

    def _compute_customer_rating_instrument_code(self):
        self.customer_rating_instrument_code = False

    def _search_customer_rating_instrument_code(self, operator, value):
        """Customers holding a current (not blocked) instrument whose code
        matches: a lost card that was replaced finds no one."""
        cards = self.env["loyalty.card"]._search(
            [("code", operator, value), ("is_blocked", "=", False)]
        )
        return [
            ("id", "in", cards.subselect(SQL.identifier(cards.table, "partner_id")))
        ]

    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "utm_source_id",
            "customer_rating_referred_by_id",
        ]

    @api.model
    def _customer_rating_fill_sources(self, partners=None):
        """First touch: give customers without an acquisition source the
        source of their first confirmed order (or of their first lead, when
        CRM is installed), with one query. `partners`: commercial partners,
        None for all."""
        if partners is not None and not partners:
            return 0
        self.env["sale.order"].flush_model(["source_id", "partner_id", "state"])
        self.env["res.partner"].flush_model(["utm_source_id", "commercial_partner_id"])
        customers = (
            SQL("p.commercial_partner_id IN %s", tuple(partners.ids))
            if partners is not None
            else SQL("TRUE")
        )
        # sudo: the first touch is the customer's first order, whoever sold
        # it; only the source is copied onto the customer
        counted = (
            self.env["customer.rating.rules"]
            .sudo()
            ._counted_orders([("source_id", "!=", False)])
        )
        touches = [
            SQL(
                """SELECT p.commercial_partner_id AS partner_id, o.source_id,
                          o.date_order AS touched, o.id
                     FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
                    WHERE o.id IN (%s) AND %s""",
                counted,
                customers,
            )
        ]
        if "crm.lead" in self.env:
            self.env["crm.lead"].flush_model(["source_id", "partner_id"])
            touches.append(
                SQL(
                    """SELECT p.commercial_partner_id, l.source_id, l.create_date, l.id
                         FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                        WHERE l.source_id IS NOT NULL AND %s""",
                    customers,
                )
            )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (t.partner_id) t.partner_id, t.source_id
                  FROM (%s) t
                  JOIN res_partner c ON c.id = t.partner_id
                 WHERE c.utm_source_id IS NULL
                 ORDER BY t.partner_id, t.touched, t.id
                """,
                SQL(" UNION ALL ").join(touches),
            )
        )
        by_source = {}
        for partner_id, source_id in rows:
            by_source.setdefault(source_id, []).append(partner_id)
        for source_id, partner_ids in by_source.items():
            self.browse(partner_ids).write({"utm_source_id": source_id})
        return len(rows)

    def action_customer_rating_assign_instrument(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign a Marketing Instrument"),
            "res_model": "customer.rating.instrument.assign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }
