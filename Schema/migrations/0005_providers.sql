-- Providers: a campaign's kind (manual sends are campaigns of kind `manual`), and Twilio status
-- callbacks that arrived before their message's sid was stored (applied when it is).

ALTER TABLE `{prefix}bkntc_campaigns`
    ADD COLUMN `kind` VARCHAR(16) NOT NULL DEFAULT 'campaign' AFTER `channel`;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_callbacks` (
    `message_sid` VARCHAR(64) CHARACTER SET ascii NOT NULL,
    `status` VARCHAR(16) NOT NULL,
    `error_code` VARCHAR(16) NULL,
    `tenant_keys` VARCHAR(1024) CHARACTER SET ascii NOT NULL,
    `received_at` DATETIME NOT NULL,
    PRIMARY KEY (`message_sid`),
    KEY `idx_received` (`received_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
