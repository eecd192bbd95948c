// The customer card's chart: net revenue (bars) and visits (line) per month
// over 24 months (res.partner.customer_rating_monthly_history), drawn with
// the Chart.js bundle Odoo's graph view loads.

import {Component, onMounted, onWillStart, onWillUnmount, useRef} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {deserializeDate} from "@web/core/l10n/dates";
import {formatCurrency} from "@web/core/currency";
import {loadBundle} from "@web/core/assets";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {useService} from "@web/core/utils/hooks";

export class CustomerRatingSpendChart extends Component {
    static template = "customer_rating.SpendChart";
    static props = {...standardWidgetProps};

    setup() {
        this.orm = useService("orm");
        this.canvas = useRef("canvas");
        this.data = null;
        this.chart = null;
        onWillStart(async () => {
            const resId = this.props.record.resId;
            if (!resId) {
                return;
            }
            const [data] = await Promise.all([
                this.orm.call("res.partner", "customer_rating_monthly_history", [
                    [resId],
                ]),
                loadBundle("web.chartjs_lib"),
            ]);
            this.data = data;
        });
        onMounted(() => this.renderChart());
        onWillUnmount(() => this.chart?.destroy());
    }

    renderChart() {
        if (!this.data || !this.canvas.el || !window.Chart) {
            return;
        }
        const months = this.data.months;
        const currencyId = this.data.currency_id;
        this.chart = new window.Chart(this.canvas.el, {
            type: "bar",
            data: {
                labels: months.map((m) => deserializeDate(m.month).toFormat("MMM yy")),
                datasets: [
                    {
                        type: "line",
                        label: _t("Visits"),
                        data: months.map((m) => m.visits),
                        borderColor: "#714B67",
                        backgroundColor: "#714B67",
                        yAxisID: "visits",
                    },
                    {
                        label: _t("Net Revenue"),
                        data: months.map((m) => m.revenue),
                        backgroundColor: "rgba(1, 126, 132, 0.7)",
                        yAxisID: "revenue",
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                plugins: {legend: {position: "bottom"}},
                scales: {
                    revenue: {
                        position: "left",
                        ticks: {
                            callback: (value) =>
                                formatCurrency(value, currencyId, {
                                    humanReadable: true,
                                }),
                        },
                    },
                    visits: {
                        position: "right",
                        beginAtZero: true,
                        ticks: {precision: 0},
                        grid: {drawOnChartArea: false},
                    },
                },
            },
        });
    }
}

registry.category("view_widgets").add("customer_rating_spend_chart", {
    component: CustomerRatingSpendChart,
});
