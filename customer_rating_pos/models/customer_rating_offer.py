# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, models


class CustomerRatingOffer(models.Model):
    """A win-back offer's program is available at the same tills as the
    program it was made from."""

    _inherit = "customer.rating.offer"

    @api.model
    def _program_channel_values(self, template):
        return {
            **super()._program_channel_values(template),
            "pos_ok": template.pos_ok,
            "pos_config_ids": [Command.set(template.pos_config_ids.ids)],
        }
