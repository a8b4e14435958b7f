-- Safe to press Send (DESIGN §21).
--
-- Idempotency keys: one row per (tenant, user, method, path, key), found by `scope_hash` (the
-- SHA-256 of those five, so the unique key stays narrow however long the path). A row is
-- `running` while the first request runs and `done` with its answer (status < 500, body,
-- content type) after; `request_hash` is the SHA-256 of the first request's body, so the same
-- key with another body is refused. Rows expire 24 h after the first request (`expires_at`,
-- purged in bounded batches like the nonces).
--
-- Rows held by quiet hours: `held` marks a pending row that waits for the recipient's window
-- (its `next_attempt_at` is the opening); `last_error` stays for errors only. Rows that the
-- earlier releases held with `last_error = 'quiet_hours'` are converted.

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_idempotency` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `user_id` BIGINT UNSIGNED NULL,
    `method` VARCHAR(16) CHARACTER SET ascii NOT NULL,
    `path` VARCHAR(255) NOT NULL,
    `idempotency_key` VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `scope_hash` CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `request_hash` CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `state` VARCHAR(16) CHARACTER SET ascii NOT NULL DEFAULT 'running',
    `response_status` SMALLINT UNSIGNED NULL,
    `response_type` VARCHAR(128) CHARACTER SET ascii NULL,
    `response_body` MEDIUMBLOB NULL,
    `created_at` DATETIME NOT NULL,
    `expires_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`),
    UNIQUE KEY `uniq_scope` (`tenant_key`, `scope_hash`),
    KEY `idx_expiry` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE `{prefix}bkntc_campaign_logs`
    ADD COLUMN `held` TINYINT(1) NOT NULL DEFAULT 0 AFTER `next_attempt_at`;

UPDATE `{prefix}bkntc_campaign_logs` SET `held` = 1, `last_error` = NULL
WHERE `last_error` = 'quiet_hours' AND `status` = 'pending';

UPDATE `{prefix}bkntc_campaign_logs` SET `last_error` = NULL
WHERE `last_error` = 'quiet_hours';
