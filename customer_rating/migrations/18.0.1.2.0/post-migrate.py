# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api

OLD_LABELS = {
    "name": "Call back",
    "summary": "Call back: the customer has not bought for a while",
}


def migrate(cr, version):
    """The call-back activity type reads "Call-back", as every label does
    now; its record is not updated (noupdate), so the English texts are
    renamed here unless someone changed them."""
    env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
    activity_type = env.ref(
        "customer_rating.mail_activity_type_call_back", raise_if_not_found=False
    )
    if not activity_type:
        return
    for field, old in OLD_LABELS.items():
        if activity_type[field] == old:
            activity_type[field] = old.replace("Call back", "Call-back")
