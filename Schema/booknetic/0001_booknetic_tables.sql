-- Booknetic's own tables as the sidecar reads them (DESIGN §2), for tests and the demo only.
-- Column types follow what real installs use; indexes are limited to what Booknetic itself
-- creates (primary keys), so the sidecar's queries are measured against a realistic install.
-- `migrate` never applies this file.

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_customers` (
    `id` INT(11) NOT NULL AUTO_INCREMENT,
    `user_id` INT(11) NULL,
    `first_name` VARCHAR(255) NULL,
    `last_name` VARCHAR(255) NULL,
    `phone_number` VARCHAR(255) NULL,
    `email` VARCHAR(255) NULL,
    `birthdate` DATE NULL,
    `notes` TEXT NULL,
    `profile_image` VARCHAR(255) NULL,
    `gender` VARCHAR(20) NULL,
    `created_by` INT(11) NULL,
    `created_at` VARCHAR(32) NULL,
    `category_id` INT(11) NULL,
    `tenant_id` INT(11) NULL,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_appointments` (
    `id` INT(11) NOT NULL AUTO_INCREMENT,
    `location_id` INT(11) NULL,
    `service_id` INT(11) NULL,
    `staff_id` INT(11) NULL,
    `customer_id` INT(11) NULL,
    `status` VARCHAR(50) NULL,
    `starts_at` INT(11) NULL,
    `ends_at` INT(11) NULL,
    `busy_from` INT(11) NULL,
    `busy_to` INT(11) NULL,
    `weight` INT(11) NULL DEFAULT 1,
    `payment_id` VARCHAR(255) NULL,
    `recurring_id` VARCHAR(255) NULL,
    `payment_method` VARCHAR(50) NULL,
    `payment_status` VARCHAR(50) NULL,
    `paid_amount` DECIMAL(16,2) NULL,
    `note` TEXT NULL,
    `locale` VARCHAR(20) NULL,
    `client_timezone` VARCHAR(64) NULL,
    `created_at` INT(11) NULL,
    `tenant_id` INT(11) NULL,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_services` (
    `id` INT(11) NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(255) NULL,
    `price` DECIMAL(16,2) NULL,
    `duration` INT(11) NULL,
    `is_active` TINYINT(1) NOT NULL DEFAULT 1,
    `tenant_id` INT(11) NULL,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_locations` (
    `id` INT(11) NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(255) NULL,
    `address` TEXT NULL,
    `is_active` TINYINT(1) NOT NULL DEFAULT 1,
    `tenant_id` INT(11) NULL,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_staff` (
    `id` INT(11) NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(255) NULL,
    `user_id` INT(11) NULL,
    `email` VARCHAR(255) NULL,
    `phone_number` VARCHAR(255) NULL,
    `is_active` TINYINT(1) NOT NULL DEFAULT 1,
    `tenant_id` INT(11) NULL,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_tenants` (
    `id` INT(11) NOT NULL AUTO_INCREMENT,
    `user_id` INT(11) NULL,
    `email` VARCHAR(255) NULL,
    `full_name` VARCHAR(255) NULL,
    `domain` VARCHAR(255) NULL,
    `plan_id` INT(11) NULL,
    `expires_in` DATE NULL,
    `inserted_at` DATETIME NULL,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_plans` (
    `id` INT(11) NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(255) NULL,
    `is_active` TINYINT(1) NOT NULL DEFAULT 1,
    `is_default` TINYINT(1) NOT NULL DEFAULT 0,
    `expire_plan` TINYINT(1) NOT NULL DEFAULT 0,
    `permissions` TEXT NULL,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}bkntc_user_role_managers` (
    `id` INT(11) NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(255) NULL,
    `staff` TEXT NULL,
    `permissions` TEXT NULL,
    `is_default` TINYINT(1) NOT NULL DEFAULT 0,
    `tenant_id` INT(11) NULL,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}users` (
    `ID` BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT,
    `user_login` VARCHAR(60) NOT NULL DEFAULT '',
    `user_email` VARCHAR(100) NOT NULL DEFAULT '',
    `display_name` VARCHAR(250) NOT NULL DEFAULT '',
    PRIMARY KEY (`ID`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}usermeta` (
    `umeta_id` BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT,
    `user_id` BIGINT(20) UNSIGNED NOT NULL DEFAULT 0,
    `meta_key` VARCHAR(255) NULL,
    `meta_value` LONGTEXT NULL,
    PRIMARY KEY (`umeta_id`),
    KEY `user_id` (`user_id`),
    KEY `meta_key` (`meta_key`(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}options` (
    `option_id` BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT,
    `option_name` VARCHAR(191) NOT NULL DEFAULT '',
    `option_value` LONGTEXT NOT NULL,
    `autoload` VARCHAR(20) NOT NULL DEFAULT 'yes',
    PRIMARY KEY (`option_id`),
    UNIQUE KEY `option_name` (`option_name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
