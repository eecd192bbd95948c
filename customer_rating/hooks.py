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
    """Keep the bonus program and the tier price lists when the module goes:
    customers keep their cards, points and price lists."""
    env["ir.model.data"].search(
        [
            ("module", "=", "customer_rating"),
            (
                "model",
                "in",
                (
                    "loyalty.program",
                    "loyalty.reward",
                    "product.pricelist",
                    "product.pricelist.item",
                ),
            ),
        ]
    ).unlink()
