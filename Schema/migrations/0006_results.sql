-- Results and automations: a campaign's repeat rule (DESIGN §5) and holdout share (§12); log
-- indexes that let the repeat rule find earlier messages to a customer or an address of one
-- campaign without scanning its runs, let results count a campaign's runs
-- (`idx_campaign_run`) and read a tenant's messages of a time span (`idx_touch`) from the
-- index alone; and the two automation templates per channel.

ALTER TABLE `{prefix}bkntc_campaigns`
    ADD COLUMN `repeat_rule` VARCHAR(255) NULL AFTER `recurrence`,
    ADD COLUMN `holdout_percent` TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER `repeat_rule`;

ALTER TABLE `{prefix}bkntc_campaign_logs`
    ADD KEY `idx_campaign_customer` (`campaign_id`, `customer_id`, `status`, `sent_at`, `tenant_key`),
    ADD KEY `idx_campaign_address` (`campaign_id`, `address`, `status`, `sent_at`),
    ADD KEY `idx_campaign_run` (`campaign_id`, `run`, `status`, `sent_at`, `tenant_key`),
    ADD KEY `idx_touch` (`tenant_key`, `sent_at`, `status`, `customer_id`, `campaign_id`, `run`, `channel`);

INSERT IGNORE INTO `{prefix}bkntc_campaign_templates`
    (`tenant_id`, `tenant_key`, `channel`, `name`, `subject`, `body`, `is_builtin`, `builtin_key`, `created_at`, `updated_at`)
VALUES
    (NULL, 0, 'sms', 'Happy birthday', NULL, 'Happy birthday, {customer_first_name}! To celebrate, your next appointment comes with a little gift from us. Book any time this month. Reply STOP to opt out.', 1, 'happy_birthday', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'sms', 'We miss you (win-back)', NULL, 'Hi {customer_first_name}, it has been a while and we miss you! Come back this month and enjoy 10% off your next appointment. Reply STOP to opt out.', 1, 'win_back', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'whatsapp', 'Happy birthday', NULL, 'Happy birthday, {customer_first_name}! To celebrate, your next appointment comes with a little gift from us. Book any time this month.', 1, 'happy_birthday', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'whatsapp', 'We miss you (win-back)', NULL, 'Hi {customer_first_name}, it has been a while and we miss you! Come back this month and enjoy 10% off your next appointment.', 1, 'win_back', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'email', 'Happy birthday', 'Happy birthday, {customer_first_name}!', '<p>Hi {customer_first_name},</p><p>Happy birthday from all of us! To celebrate, your next appointment comes with a little gift. Book any time this month.</p>', 1, 'happy_birthday', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'email', 'We miss you (win-back)', 'We miss you, {customer_first_name}', '<p>Hi {customer_first_name},</p><p>It has been a while since your last visit and we miss you! Come back this month and enjoy 10% off your next appointment.</p>', 1, 'win_back', UTC_TIMESTAMP(), UTC_TIMESTAMP());
