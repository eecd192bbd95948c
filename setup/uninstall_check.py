# Fed to `odoo shell` by setup/test (which provides `env`): uninstalls
# customer_rating and checks that nothing of it is left behind while the
# sales data stays.
orders_before = env["sale.order"].search_count([])
env["ir.module.module"].search(
    [("name", "=", "customer_rating")]
).button_immediate_uninstall()
env = env(context={})  # a new environment on the reloaded registry
state = env["ir.module.module"].search([("name", "=", "customer_rating")]).state
xml_ids_left = env["ir.model.data"].search_count([("module", "=", "customer_rating")])
orders_after = env["sale.order"].search_count([])
if state != "uninstalled" or xml_ids_left or orders_after != orders_before:
    raise SystemExit(
        f"uninstall left state={state}, {xml_ids_left} xml ids, "
        f"{orders_after} of {orders_before} sales orders"
    )
print(f"customer_rating uninstalled cleanly, {orders_after} sales orders kept")
