-- Trust (DESIGN §13): how many times the provider throttled a row (a 429 is free only
-- BKNTC_THROTTLE_RETRIES times, DESIGN §6), and the audit trail: who changed what, written in
-- the same transaction as the change. `idx_object` serves a campaign's history, `idx_action` the
-- daily count of test sends per tenant and channel.

ALTER TABLE `{prefix}bkntc_campaign_logs`
    ADD COLUMN `throttles` SMALLINT UNSIGNED NOT NULL DEFAULT 0 AFTER `attempts`;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_audit` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `at` DATETIME NOT NULL,
    `user_id` BIGINT UNSIGNED NULL,
    `action` VARCHAR(32) NOT NULL,
    `object_type` VARCHAR(32) NOT NULL,
    `object_id` BIGINT UNSIGNED NULL,
    `channel` VARCHAR(16) NULL,
    `detail` TEXT NULL,
    PRIMARY KEY (`id`),
    KEY `idx_tenant` (`tenant_key`, `id`),
    KEY `idx_object` (`tenant_key`, `object_type`, `object_id`, `id`),
    KEY `idx_user` (`tenant_key`, `user_id`, `id`),
    KEY `idx_action` (`tenant_key`, `action`, `channel`, `at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
