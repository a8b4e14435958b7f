-- Engagement: clicks and opens (DESIGN §18). Every tracked link of a message is a row here,
-- found by its short code (`/r/{code}`, case-sensitive base62, hence ascii_bin) and tied to the
-- log row it was sent in; the log row keeps the first click, the click count and the first open.

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_links` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `code` VARCHAR(12) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `log_id` BIGINT UNSIGNED NOT NULL,
    `campaign_id` BIGINT UNSIGNED NOT NULL,
    `url` TEXT NOT NULL,
    `created_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`),
    UNIQUE KEY `uniq_code` (`code`),
    KEY `idx_log` (`log_id`),
    KEY `idx_campaign` (`campaign_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE `{prefix}bkntc_campaign_logs`
    ADD COLUMN IF NOT EXISTS `clicked_at` DATETIME NULL,
    ADD COLUMN IF NOT EXISTS `clicks` INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `opened_at` DATETIME NULL;
