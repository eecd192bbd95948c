# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Rating and Retention: Point of Sale",
    "summary": "Point of Sale orders count in the customer rating, retention "
    "and bonus points; customers found by their card at the till",
    "version": "18.0.1.1.0",
    "category": "Sales/Point of Sale",
    "author": "customer_rating contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["customer_rating", "pos_loyalty", "pos_sale"],
    "data": ["views/customer_rating_callback_views.xml"],
    "demo": ["demo/customer_rating_pos_demo.xml"],
    "assets": {
        "point_of_sale._assets_pos": [
            "customer_rating_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "customer_rating_pos/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
}
