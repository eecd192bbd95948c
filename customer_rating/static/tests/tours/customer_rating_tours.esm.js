// Browser tours of the main flows, run by tests/test_browser_tours.py in
// headless Chromium. The Python tests create the records they name.

import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// Reports > Customer Rating, from anywhere in the app.
function openRatingWizard() {
    return [
        {
            content: "Open the Reports menu",
            trigger: '.o_main_navbar .dropdown-toggle:contains("Reports")',
            run: "click",
        },
        {
            content: "Open the rating wizard",
            trigger: '.o-dropdown--menu .dropdown-item:contains("Customer Rating")',
            run: "click",
        },
    ];
}

tours.add("customer_rating_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Customer Rating app",
            trigger:
                '.o_app[data-menu-xmlid="customer_rating.customer_rating_menu_root"]',
            run: "click",
        },
        {
            content: "The dashboard counts the customers at risk",
            trigger: '.o_customer_rating_tile[data-tile="at_risk"] .o_cr_value',
        },
        {
            content: "It draws the revenue per month",
            trigger: ".o_customer_rating_dashboard canvas",
        },
        {
            content: "Open the customers at risk",
            trigger: '.o_customer_rating_tile[data-tile="at_risk"]',
            run: "click",
        },
        {
            content: "The Customers list, filtered on the customers at risk",
            trigger: '.o_searchview_facet:contains("At Risk")',
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Open the Pareto curve",
            trigger: '.o_customer_rating_tile[data-tile="pareto"]',
            run: "click",
        },
        {
            content: "The Pareto curve is a line chart",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Open the visit patterns",
            trigger: '.o_customer_rating_tile[data-tile="visits"]',
            run: "click",
        },
        {
            content: "The heat map colours the busy hours",
            trigger: ".o_customer_rating_heat_map .o_cr_heat_table .o_cr_heat_busy",
        },
        {
            content: "and leaves the quiet ones blank",
            trigger: ".o_customer_rating_heat_map .o_cr_heat_table .o_cr_heat_quiet",
        },
        {
            content: "Show the revenue",
            trigger: '.o_customer_rating_heat_map button[name="revenue"]',
            run: "click",
        },
        {
            trigger: '.o_customer_rating_heat_map button[name="revenue"].btn-primary',
        },
        {
            content: "The same figures as a pivot",
            trigger: ".o_customer_rating_heat_map .o_cr_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot_view .o_pivot table",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
    ],
});

tours.add("customer_rating_rating_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Customer Rating app",
            trigger:
                '.o_app[data-menu-xmlid="customer_rating.customer_rating_menu_root"]',
            run: "click",
        },
        {
            content: "The app opens on its dashboard",
            trigger: ".o_customer_rating_dashboard .o_customer_rating_tile",
        },
        ...openRatingWizard(),
        {
            content: "Choose last quarter",
            trigger: '.modal .o_field_widget[name="period"] select',
            run: "selectByLabel Last quarter",
        },
        {
            content: "Run the rating",
            trigger: '.modal footer button[name="action_open"]',
            run: "click",
        },
        {
            content: "The rating lists ranked customers",
            trigger: '.o_list_view .o_data_row .o_data_cell[name="rank"]',
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot_view .o_pivot table",
        },
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Group the pivot by home branch",
            trigger: '.o_group_by_menu .o-dropdown-item:contains("Home Branch")',
            run: "click",
        },
        {
            content: "A row per branch",
            trigger: '.o_pivot_view .o_pivot_header_cell_opened:contains("Total")',
        },
        {
            trigger: ".o_pivot_view tbody th.o_pivot_header_cell_closed",
        },
        {
            content: "Back to the wizard through the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger:
                '.o_app[data-menu-xmlid="customer_rating.customer_rating_menu_root"]',
            run: "click",
        },
        ...openRatingWizard(),
        {
            trigger: '.modal .o_field_widget[name="period"] select',
            run: "selectByLabel Last quarter",
        },
        {
            content: "Export the rating to Excel",
            trigger: '.modal footer button[name="action_export_xlsx"]',
            run: "click",
        },
        {
            content: "The download is done: the wizard's buttons are back",
            trigger: '.modal footer button[name="action_open"]:enabled',
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
        {
            content: "Close the wizard",
            trigger: ".modal-header .btn-close",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

tours.add("customer_rating_card_tour", {
    steps: () => [
        {
            content: "The customer's Customer Rating tab",
            trigger: '.o_notebook .nav-link:contains("Customer Rating")',
            run: "click",
        },
        {
            content: "It shows the orders of the customer",
            trigger:
                '.o_field_widget[name="customer_rating_order_count"]:contains("1")',
        },
        {
            content: "The card charts the customer's months",
            trigger: ".o_customer_rating_spend_chart canvas",
        },
        {
            content: "Open the bonus ledger",
            trigger: 'button[name="action_customer_rating_ledger"]',
            run: "click",
        },
        {
            content: "The ledger shows the points earned by the order",
            trigger: '.o_list_view .o_data_row:contains("Earned")',
        },
        {
            content: "Back to the customer",
            trigger: '.o_breadcrumb .breadcrumb-item a:contains("CR Tour Customer")',
            run: "click",
        },
        {
            content: "The Marketing tab",
            trigger: '.o_notebook .nav-link:contains("Marketing")',
            run: "click",
        },
        {
            content: "Assign an instrument",
            trigger: 'button[name="action_customer_rating_assign_instrument"]',
            run: "click",
        },
        {
            content: "Type the code printed on the coupon",
            trigger: '.modal .o_field_widget[name="code"] input',
            run: "edit CRTOUR-COUPON-1",
        },
        {
            trigger: '.modal footer button[name="action_assign"]',
            run: "click",
        },
        {
            content: "The coupon is the customer's",
            trigger:
                '.o_field_widget[name="customer_rating_instrument_ids"] .o_data_row:contains("CRTOUR-COUPON-1")',
        },
        {
            content: "Replace the bonus card",
            trigger:
                '.o_field_widget[name="customer_rating_instrument_ids"] .o_data_row:contains("Customer Bonus") button[name="action_replace"]',
            run: "click",
        },
        {
            content: "The card was lost",
            trigger: '.modal .o_field_widget[name="reason"] input[data-value="lost"]',
            run: "click",
        },
        {
            trigger: '.modal footer button[name="action_replace"]',
            run: "click",
        },
        {
            content: "The new card opens, replacing the lost one",
            trigger: '.o_form_view .o_field_widget[name="replaces_id"]',
        },
        {
            content: "Back to the customer: the old card is blocked",
            trigger: '.o_breadcrumb .breadcrumb-item a:contains("CR Tour Customer")',
            run: "click",
        },
        {
            trigger: '.o_notebook .nav-link:contains("Marketing")',
            run: "click",
        },
        {
            trigger:
                '.o_field_widget[name="customer_rating_instrument_ids"] .o_data_row.text-muted:contains("Lost")',
        },
    ],
});

tours.add("customer_rating_call_back_tour", {
    steps: () => [
        {
            content: "The call-back in the customer's chatter: Mark Done",
            trigger: '.o-mail-Activity:contains("Call-back") .o-mail-Activity-markDone',
            run: "click",
        },
        {
            content: "Say how the call went",
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Moved to a cheaper shop nearby",
        },
        {
            trigger: '.o-mail-ActivityMarkAsDone button[aria-label="Done"]',
            run: "click",
        },
        {
            content: "The call-back asks for its outcome",
            trigger: '.modal .o_field_widget[name="outcome"] input[data-value="price"]',
            run: "click",
        },
        {
            content: "and a churn reason",
            trigger: '.modal .o_field_widget[name="reason_id"] input',
            run: "edit CR Tour Reason",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("CR Tour Reason")',
            run: "click",
        },
        {
            content: "What was typed is the call-back's feedback",
            trigger:
                '.modal .o_field_widget[name="feedback"] textarea:value("Moved to a cheaper shop nearby")',
        },
        {
            trigger: '.modal footer button[name="action_close"]',
            run: "click",
        },
        {
            content: "The call-back is done",
            trigger:
                "body:not(:has(.modal)) .o-mail-Chatter:not(:has(.o-mail-Activity))",
        },
        {
            content: "The salesperson's rating",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger:
                '.o_app[data-menu-xmlid="customer_rating.customer_rating_menu_root"]',
            run: "click",
        },
        {
            content: "Her dashboard ranks her customer, and nobody else's",
            trigger:
                '.o_customer_rating_dashboard .o_cr_top:contains("CR Tour Regular")',
        },
        {
            trigger:
                '.o_customer_rating_dashboard .o_cr_top:not(:contains("CR Tour Other"))',
        },
        ...openRatingWizard(),
        {
            trigger: '.modal footer button[name="action_open"]',
            run: "click",
        },
        {
            content: "Her customer, and nobody else's",
            trigger: '.o_list_view .o_data_row:contains("CR Tour Regular")',
        },
        {
            trigger: '.o_list_view:not(:has(.o_data_row:contains("CR Tour Other")))',
        },
    ],
});
