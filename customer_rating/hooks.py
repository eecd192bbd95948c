# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Date the loyalty history written before the module was installed when
    it was written, not the day of the installation; give the customers the
    source of their first order."""
    env.cr.execute(
        "UPDATE loyalty_history SET date = create_date::date"
        " WHERE create_date IS NOT NULL AND bonus_move_type IS NULL"
    )
    env["res.partner"]._customer_rating_fill_sources()


def uninstall_hook(env):
    """Keep what customers and salespeople still use when the module goes:
    the bonus program (customers keep their cards and points), the tier
    price lists, and the call-back activity type (open call-backs stay in
    the salespeople's activities)."""
    env["ir.model.data"].search(
        [
            ("module", "=", "customer_rating"),
            (
                "model",
                "in",
                (
                    "loyalty.program",
                    "product.pricelist",
                    "mail.activity.type",
                ),
            ),
        ]
    ).unlink()
