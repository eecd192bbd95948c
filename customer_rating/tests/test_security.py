# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSecurity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group_user = cls.env.ref("customer_rating.customer_rating_group_user")
        cls.group_manager = cls.env.ref("customer_rating.customer_rating_group_manager")
        cls.salesman = new_test_user(
            cls.env, "cr_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.sales_manager = new_test_user(
            cls.env, "cr_sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.employee = new_test_user(cls.env, "cr_employee", groups="base.group_user")
        cls.root_menu = cls.env.ref("customer_rating.customer_rating_menu_root")
        cls.config_menu = cls.env.ref("customer_rating.customer_rating_menu_config")

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_manager_implies_user(self):
        self.assertIn(self.group_user, self.group_manager.implied_ids)
        self.assertIn(self.group_manager, self.env.ref("base.user_admin").groups_id)

    def test_salespeople_are_users_and_sales_managers_are_managers(self):
        self.assertTrue(
            self.salesman.has_group("customer_rating.customer_rating_group_user")
        )
        self.assertFalse(
            self.salesman.has_group("customer_rating.customer_rating_group_manager")
        )
        self.assertTrue(
            self.sales_manager.has_group(
                "customer_rating.customer_rating_group_manager"
            )
        )
        self.assertFalse(
            self.employee.has_group("customer_rating.customer_rating_group_user")
        )

    def test_existing_salespeople_got_the_group(self):
        """Users who were salespeople before the install were given the group too."""
        salespeople = self.env.ref("sales_team.group_sale_salesman").users
        self.assertTrue(salespeople)
        self.assertFalse(salespeople - self.group_user.users)

    def test_menu_visibility(self):
        for user, sees_root, sees_config in [
            (self.salesman, True, False),
            (self.sales_manager, True, True),
            (self.employee, False, False),
        ]:
            with self.subTest(user=user.login):
                visible = self._visible_menus(user)
                self.assertEqual(self.root_menu.id in visible, sees_root)
                self.assertEqual(self.config_menu.id in visible, sees_config)
