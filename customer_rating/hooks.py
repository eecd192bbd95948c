# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Date the loyalty history written before the module was installed when
    it was written, not the day of the installation."""
    env.cr.execute(
        "UPDATE loyalty_history SET date = create_date::date"
        " WHERE create_date IS NOT NULL AND bonus_move_type IS NULL"
    )
