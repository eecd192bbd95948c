// Mark Done on a call-back's activity asks for the call-back's outcome and
// churn reason (mail.activity.action_customer_rating_close) instead of
// marking it done without them; other activities are marked done as usual.

import {Activity} from "@mail/core/web/activity_model";
import {patch} from "@web/core/utils/patch";

patch(Activity.prototype, {
    async markAsDone(attachmentIds = []) {
        const {action, orm} = this.store.env.services;
        const closeAction = await orm.call(
            "mail.activity",
            "action_customer_rating_close",
            [[this.id]],
            {feedback: this.feedback || false}
        );
        if (!closeAction) {
            return super.markAsDone(attachmentIds);
        }
        await new Promise((resolve) =>
            action.doAction(closeAction, {onClose: resolve})
        );
        this.store.activityBroadcastChannel?.postMessage({
            type: "RELOAD_CHATTER",
            payload: {id: this.res_id, model: this.res_model},
        });
    },
});
