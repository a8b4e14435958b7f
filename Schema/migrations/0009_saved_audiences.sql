-- Saved audiences (DESIGN §16): a named segment and filters a campaign may use by reference
-- (`audience_id`). The campaign keeps a copy of the segment for its answers; the audience itself
-- is read when a run's snapshot is taken, so a recurring campaign follows later edits.

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_audiences` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `name` VARCHAR(190) NOT NULL,
    `channel` VARCHAR(16) NOT NULL,
    `segment` MEDIUMTEXT NOT NULL,
    `filters` MEDIUMTEXT NULL,
    `created_by` BIGINT UNSIGNED NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`),
    KEY `idx_tenant` (`tenant_key`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE `{prefix}bkntc_campaigns`
    ADD COLUMN IF NOT EXISTS `audience_id` BIGINT UNSIGNED NULL AFTER `filters`,
    ADD INDEX IF NOT EXISTS `idx_audience` (`tenant_key`, `audience_id`);
