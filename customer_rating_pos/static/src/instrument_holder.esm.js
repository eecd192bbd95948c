import {PartnerList} from "@point_of_sale/app/screens/partner_list/partner_list";
import {ProductScreen} from "@point_of_sale/app/screens/product_screen/product_screen";
import {patch} from "@web/core/utils/patch";

/**
 * The customer holding a current marketing instrument (bonus card, coupon,
 * gift card) whose code is `code`, loaded into the till; undefined if none.
 */
async function findInstrumentHolder(pos, code) {
    if (!code) {
        return undefined;
    }
    const holders = await pos.data.searchRead(
        "res.partner",
        [["customer_rating_instrument_code", "=", code]],
        [],
        {limit: 1}
    );
    return holders[0];
}

patch(ProductScreen.prototype, {
    async _getPartnerByBarcode(code) {
        return (
            (await super._getPartnerByBarcode(code)) ||
            (await findInstrumentHolder(this.pos, code.code))
        );
    },
    /** A scanned card that is no product sets its holder as the customer. */
    async _barcodeProductAction(code) {
        if (!(await this._getProductByBarcode(code))) {
            const holder = await findInstrumentHolder(this.pos, code.base_code);
            if (holder) {
                this.currentOrder.set_partner(holder);
                return;
            }
        }
        return super._barcodeProductAction(code);
    },
    /**
     * A scanned coupon or card of a customer sets that customer first:
     * pos_loyalty only accepts a customer's coupon on their own order.
     */
    async _onCouponScan(code) {
        const holder = await findInstrumentHolder(this.pos, code.base_code);
        if (holder && this.currentOrder.get_partner() !== holder) {
            this.currentOrder.set_partner(holder);
        }
        return super._onCouponScan(code);
    },
});

patch(PartnerList.prototype, {
    setup() {
        super.setup(...arguments);
        this.state.instrumentHolder = null;
    },
    /** Searching the customers also finds them by a card or coupon code. */
    async getNewPartners() {
        const partners = await super.getNewPartners(...arguments);
        const query = (this.state.query || "").trim();
        const holder = await findInstrumentHolder(this.pos, query);
        this.state.instrumentHolder = holder ? {query, id: holder.id} : null;
        return holder && !partners.includes(holder) ? [holder, ...partners] : partners;
    },
    /** The holder of the searched code heads the list while it is searched. */
    getPartners() {
        const partners = super.getPartners(...arguments);
        const found = this.state.instrumentHolder;
        if (!found || found.query !== (this.state.query || "").trim()) {
            return partners;
        }
        const holder = this.pos.models["res.partner"].get(found.id);
        return holder && !partners.includes(holder) ? [holder, ...partners] : partners;
    },
});
