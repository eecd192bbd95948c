# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    # Odoo core's "rating" addon is already displayed as "Customer Rating".
    "name": "Customer Rating and Retention",
    "summary": "Best customers by revenue and profit, Pareto classes, "
    "customer card, retention call-backs, bonus points and tiers",
    "version": "18.0.1.0.0",
    "category": "Sales/Customer Rating",
    "author": "customer_rating contributors",
    "license": "LGPL-3",
    "depends": [
        "contacts",
        "mail",
        "sale_loyalty",
        "sale_management",
        "sale_margin",
        "utm",
    ],
    "external_dependencies": {"python": ["xlsxwriter", "python-barcode"]},
    "data": [
        "security/customer_rating_groups.xml",
        "security/ir.model.access.csv",
        "security/customer_rating_line_security.xml",
        "report/customer_rating_line_views.xml",
        "report/customer_rating_report.xml",
        "report/customer_rating_branch_line_views.xml",
        "report/customer_rating_buyer_line_views.xml",
        "report/customer_rating_discount_line_views.xml",
        "report/customer_rating_gap_line_views.xml",
        "wizards/customer_rating_wizard_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/customer_rating_demo.xml",
    ],
    "application": True,
    "installable": True,
}
