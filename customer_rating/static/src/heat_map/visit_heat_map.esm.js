// Visit patterns as a heat map: per branch, a row per weekday and a column
// per hour, each cell coloured by its orders (or revenue) against the
// busiest cell; quiet cells stay blank. The data is the computed Visit
// Patterns report of a wizard (customer.rating.wizard.get_heat_map_data).

import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {formatCurrency} from "@web/core/currency";
import {registry} from "@web/core/registry";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {useService} from "@web/core/utils/hooks";

export class VisitHeatMap extends Component {
    static template = "customer_rating.VisitHeatMap";
    static props = {...standardActionServiceProps};

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.wizardId = this.props.action.params?.wizard_id;
        this.state = useState({data: null, measure: "orders"});
        onWillStart(async () => {
            if (this.wizardId) {
                this.state.data = await this.orm.call(
                    "customer.rating.wizard",
                    "get_heat_map_data",
                    [[this.wizardId]]
                );
            }
        });
    }

    /** The opening hours: from the first to the last hour with orders in
     * any branch (all day when there are none). */
    get hours() {
        const busy = new Set();
        for (const branch of this.state.data.branches) {
            for (const row of branch.cells) {
                row.forEach((cell, hour) => cell.orders && busy.add(hour));
            }
        }
        const first = busy.size ? Math.min(...busy) : 0;
        const last = busy.size ? Math.max(...busy) : 23;
        return [...Array(last - first + 1).keys()].map((n) => n + first);
    }

    get max() {
        const data = this.state.data;
        return (
            (this.state.measure === "orders" ? data.max_orders : data.max_revenue) || 1
        );
    }

    value(cell) {
        return this.state.measure === "orders" ? cell.orders : cell.revenue;
    }

    label(cell) {
        const value = this.value(cell);
        if (!value) {
            return "";
        }
        if (this.state.measure === "orders") {
            return String(value);
        }
        return formatCurrency(value, this.state.data.currency_id, {
            humanReadable: true,
        });
    }

    cellStyle(cell) {
        const ratio = this.value(cell) / this.max;
        if (!ratio) {
            return "";
        }
        // From a pale to a deep teal, white text on the darker half
        const alpha = 0.12 + 0.88 * ratio;
        const color = ratio > 0.5 ? "#fff" : "#1f2d3d";
        return `background-color: rgba(1, 126, 132, ${alpha.toFixed(3)}); color: ${color};`;
    }

    tooltip(day, hour, cell) {
        const hours = `${String(hour).padStart(2, "0")}:00-${String(hour + 1).padStart(2, "0")}:00`;
        const revenue = formatCurrency(cell.revenue, this.state.data.currency_id);
        return _t("%(day)s %(hours)s: %(orders)s orders, %(revenue)s", {
            day,
            hours,
            orders: cell.orders,
            revenue,
        });
    }

    async openPivot() {
        const action = await this.orm.call(
            "customer.rating.wizard",
            "action_open_visit_pivot",
            [[this.wizardId]]
        );
        return this.actionService.doAction(action);
    }
}

registry.category("actions").add("customer_rating_visit_heat_map", VisitHeatMap);
