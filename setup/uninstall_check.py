# Fed to `odoo shell` by setup/test (which provides `env`): uninstalls the
# Point of Sale bridge, then customer_rating, and checks after each that
# nothing of the addon is left behind while the sales and counter data stay.


def counts(env):
    return env["sale.order"].search_count([]), env["pos.order"].search_count([])


def uninstall(env, name):
    before = counts(env)
    env["ir.module.module"].search([("name", "=", name)]).button_immediate_uninstall()
    env = env(context={})  # a new environment on the reloaded registry
    state = env["ir.module.module"].search([("name", "=", name)]).state
    xml_ids_left = env["ir.model.data"].search_count([("module", "=", name)])
    after = counts(env)
    if state != "uninstalled" or xml_ids_left or after != before:
        raise SystemExit(
            f"uninstalling {name} left state={state}, {xml_ids_left} xml ids, "
            f"(sales orders, POS orders) {after} of {before}"
        )
    print(f"{name} uninstalled cleanly, (sales orders, POS orders) {after} kept")
    return env


env = uninstall(env, "customer_rating_pos")
uninstall(env, "customer_rating")
