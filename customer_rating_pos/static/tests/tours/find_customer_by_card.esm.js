import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import {registry} from "@web/core/registry";
import {scan_barcode} from "@point_of_sale/../tests/tours/utils/common";

registry.category("web_tour.tours").add("customer_rating_pos_find_customer_by_card", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // A bonus card scanned at the till sets its holder as the customer
            scan_barcode("CRT-3001"),
            ProductScreen.customerIsSelected("CR Scan Sally"),
            // A coupon code typed in the customer search finds its holder
            ProductScreen.clickPartnerButton(),
            {
                content: "Type a coupon code in the customer search",
                trigger: ".modal-dialog .input-group input",
                run: "edit CRT-3002",
            },
            {
                content: "Search the customers of the database",
                trigger: ".search-more-button > button",
                run: "click",
            },
            ProductScreen.clickCustomer("CR Scan Sam"),
            ProductScreen.customerIsSelected("CR Scan Sam"),
        ].flat(),
});
