// The home of the Customer Rating app: the figures of
// customer.rating.dashboard.get_dashboard_data (one call), each tile opening
// its report or list (action_open_tile), the net revenue per month drawn
// with Chart.js as Odoo's graph view loads it.

import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    useRef,
    useState,
} from "@odoo/owl";
import {deserializeDate, formatDate} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {formatCurrency} from "@web/core/currency";
import {loadBundle} from "@web/core/assets";
import {registry} from "@web/core/registry";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {useService} from "@web/core/utils/hooks";

export class CustomerRatingDashboard extends Component {
    static template = "customer_rating.Dashboard";
    static props = {...standardActionServiceProps};

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({data: null});
        this.canvas = useRef("months");
        this.chart = null;
        onWillStart(async () => {
            const [data] = await Promise.all([
                this.orm.call("customer.rating.dashboard", "get_dashboard_data", []),
                loadBundle("web.chartjs_lib"),
            ]);
            this.state.data = data;
        });
        onMounted(() => this.renderChart());
        onWillUnmount(() => this.chart?.destroy());
    }

    get statusTiles() {
        const retention = this.state.data.retention;
        return [
            {key: "active", label: _t("Active"), good: 1, ...retention.active},
            {
                key: "due_soon",
                label: _t("Due in %s days", this.state.data.due_soon_days),
                good: 0,
                ...retention.due_soon,
            },
            {key: "at_risk", label: _t("At Risk"), good: -1, ...retention.at_risk},
            {key: "lost", label: _t("Lost"), good: -1, ...retention.lost},
        ];
    }

    trendClass(tile) {
        if (!tile.trend || !tile.good) {
            return "text-muted";
        }
        return tile.trend * tile.good > 0 ? "text-success" : "text-danger";
    }

    trendLabel(tile) {
        const sign = tile.trend > 0 ? "+" : "";
        return _t("%s vs last month", `${sign}${tile.trend}`);
    }

    money(amount) {
        return formatCurrency(amount, this.state.data.currency_id, {
            humanReadable: true,
        });
    }

    points(value) {
        return Math.round(value).toLocaleString();
    }

    day(value) {
        return formatDate(deserializeDate(value));
    }

    get margin() {
        const {revenue, profit} = this.state.data;
        return revenue ? ((100 * profit) / revenue).toFixed(1) : "0.0";
    }

    get maxSource() {
        return Math.max(1, ...this.state.data.sources.map((row) => row.count));
    }

    movementClass(line) {
        if (line.movement.startsWith("up") || !line.previous_rank) {
            return "text-success";
        }
        return line.movement.startsWith("down") ? "text-danger" : "text-muted";
    }

    async open(tile) {
        const action = await this.orm.call(
            "customer.rating.dashboard",
            "action_open_tile",
            [tile]
        );
        return this.actionService.doAction(action);
    }

    renderChart() {
        if (!this.canvas.el || !window.Chart) {
            return;
        }
        const months = this.state.data.months;
        const style = getComputedStyle(document.body);
        const primary = style.getPropertyValue("--primary") || "#714B67";
        this.chart = new window.Chart(this.canvas.el, {
            type: "bar",
            data: {
                labels: months.map((m) => deserializeDate(m.month).toFormat("MMM yy")),
                datasets: [
                    {
                        label: _t("Net Revenue"),
                        data: months.map((m) => m.revenue),
                        backgroundColor: "#017e84",
                    },
                    {
                        label: _t("Profit"),
                        data: months.map((m) => m.profit),
                        backgroundColor: primary.trim() || "#714B67",
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                plugins: {legend: {position: "bottom"}},
                scales: {y: {ticks: {callback: (value) => this.money(value)}}},
            },
        });
    }
}

registry.category("actions").add("customer_rating_dashboard", CustomerRatingDashboard);
