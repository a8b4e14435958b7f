-- Broadcasts (DESIGN §14): one message over several channels. A broadcast is a thin layer over
-- one ordinary campaign per channel (`broadcast_id` on campaigns); `channels` keeps their order,
-- which `first` mode follows when a customer is reachable on more than one.

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_broadcasts` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `name` VARCHAR(190) NOT NULL,
    `channels` VARCHAR(64) NOT NULL,
    `mode` VARCHAR(16) NOT NULL,
    `created_by` BIGINT UNSIGNED NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`),
    KEY `idx_tenant` (`tenant_key`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE `{prefix}bkntc_campaigns`
    ADD COLUMN IF NOT EXISTS `broadcast_id` BIGINT UNSIGNED NULL AFTER `audience_id`,
    ADD INDEX IF NOT EXISTS `idx_broadcast` (`tenant_key`, `broadcast_id`);

-- `first` mode leaves out of a later channel's snapshot whoever an earlier channel's snapshot of
-- the same run holds: one lookup per candidate on (campaign, run, customer).
ALTER TABLE `{prefix}bkntc_campaign_logs`
    ADD INDEX IF NOT EXISTS `idx_run_customer` (`campaign_id`, `run`, `customer_id`);
