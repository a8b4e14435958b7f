-- The sidecar's own tables. Every row carries tenant_id (NULL on non-SaaS installs) and
-- tenant_key (tenant_id, or 0 when NULL) so tenant filters are plain indexed equality.
-- Addresses are stored normalized (E.164 phones, syntax-checked emails), which is always ASCII:
-- an ascii column keeps the unique keys on them 4x narrower than utf8mb4 and compares emails
-- case-insensitively (ascii_general_ci).

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaigns` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `channel` VARCHAR(16) NOT NULL,
    `name` VARCHAR(190) NOT NULL,
    `status` VARCHAR(16) NOT NULL DEFAULT 'draft',
    `status_reason` VARCHAR(64) NULL,
    `segment` MEDIUMTEXT NOT NULL,
    `filters` MEDIUMTEXT NULL,
    `template_id` BIGINT UNSIGNED NULL,
    `subject` VARCHAR(998) NULL,
    `body` MEDIUMTEXT NOT NULL,
    `content_sid` VARCHAR(64) NULL,
    `content_variables` MEDIUMTEXT NULL,
    `scheduled_at` DATETIME NULL,
    `recurrence` VARCHAR(120) NULL,
    `current_run` INT UNSIGNED NOT NULL DEFAULT 0,
    `total_count` INT UNSIGNED NOT NULL DEFAULT 0,
    `created_by` BIGINT UNSIGNED NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    `started_at` DATETIME NULL,
    `finished_at` DATETIME NULL,
    PRIMARY KEY (`id`),
    KEY `idx_tenant_list` (`tenant_key`, `channel`, `status`, `id`),
    KEY `idx_due` (`status`, `scheduled_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_logs` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `campaign_id` BIGINT UNSIGNED NOT NULL,
    `run` INT UNSIGNED NOT NULL DEFAULT 1,
    `channel` VARCHAR(16) NOT NULL,
    `customer_id` BIGINT UNSIGNED NULL,
    `address` VARCHAR(254) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
    `first_name` VARCHAR(255) NULL,
    `last_name` VARCHAR(255) NULL,
    `status` VARCHAR(16) NOT NULL DEFAULT 'pending',
    `attempts` INT UNSIGNED NOT NULL DEFAULT 0,
    `next_attempt_at` DATETIME NULL,
    `last_error` VARCHAR(255) NULL,
    `provider_message_id` VARCHAR(64) NULL,
    `sent_at` DATETIME NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`),
    UNIQUE KEY `uniq_recipient` (`campaign_id`, `run`, `address`),
    KEY `idx_claim` (`campaign_id`, `status`, `next_attempt_at`),
    KEY `idx_customer` (`tenant_key`, `customer_id`),
    KEY `idx_provider_message` (`provider_message_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_templates` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `channel` VARCHAR(16) NOT NULL,
    `name` VARCHAR(190) NOT NULL,
    `subject` VARCHAR(998) NULL,
    `body` MEDIUMTEXT NOT NULL,
    `is_builtin` TINYINT(1) NOT NULL DEFAULT 0,
    `builtin_key` VARCHAR(64) NULL,
    `created_at` DATETIME NOT NULL,
    `updated_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`),
    UNIQUE KEY `uniq_name` (`tenant_key`, `is_builtin`, `channel`, `name`),
    UNIQUE KEY `uniq_builtin` (`builtin_key`, `channel`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_campaign_suppressions` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `tenant_id` BIGINT UNSIGNED NULL,
    `tenant_key` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `channel` VARCHAR(16) NOT NULL,
    `address` VARCHAR(254) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
    `reason` VARCHAR(255) NULL,
    `source` VARCHAR(32) NOT NULL DEFAULT 'manual',
    `created_at` DATETIME NOT NULL,
    PRIMARY KEY (`id`),
    UNIQUE KEY `uniq_address` (`tenant_key`, `channel`, `address`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
