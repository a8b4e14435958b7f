-- The sending engine: who claimed a row and when (the lease), a due-row index for recovery,
-- the send-rate reservations shared by replicas, per-tenant settings (DESIGN §10) and the
-- outbox of BKNTC_PROVIDER=outbox.

ALTER TABLE `{prefix}bkntc_campaign_logs`
    ADD COLUMN `claimed_by` VARCHAR(64) NULL AFTER `provider_message_id`,
    ADD COLUMN `claimed_at` DATETIME NULL AFTER `claimed_by`,
    ADD KEY `idx_lease` (`status`, `claimed_at`),
    ADD KEY `idx_sent` (`tenant_key`, `channel`, `status`, `sent_at`);

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_settings` (
    `tenant_key` BIGINT UNSIGNED NOT NULL,
    `tenant_id` BIGINT UNSIGNED NULL,
    `channel` VARCHAR(16) NOT NULL,
    `name` VARCHAR(32) NOT NULL,
    `value` TEXT NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`tenant_key`, `channel`, `name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_outbox` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `message_id` VARCHAR(64) CHARACTER SET ascii NOT NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `log_id` BIGINT UNSIGNED NULL,
    `channel` VARCHAR(16) NOT NULL,
    `to_address` VARCHAR(254) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
    `subject` VARCHAR(998) NULL,
    `body` MEDIUMTEXT NOT NULL,
    `created_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`),
    UNIQUE KEY `uniq_message` (`message_id`),
    KEY `idx_log` (`log_id`),
    KEY `idx_to` (`channel`, `to_address`, `created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_rates` (
    `sender_key` VARCHAR(64) CHARACTER SET ascii NOT NULL,
    `next_slot` DATETIME(6) NOT NULL,
    PRIMARY KEY (`sender_key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
