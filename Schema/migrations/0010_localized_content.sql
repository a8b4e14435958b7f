-- Localized content and the call to action (DESIGN §15): translations of the subject, body and
-- button label per locale (JSON objects keyed by `ll` or `ll_CC`), the email's button, and on each
-- log row the variant its recipient gets (NULL = the base text), chosen when the snapshot is taken.

ALTER TABLE `{prefix}bkntc_campaigns`
    ADD COLUMN IF NOT EXISTS `subject_i18n` MEDIUMTEXT NULL AFTER `body`,
    ADD COLUMN IF NOT EXISTS `body_i18n` MEDIUMTEXT NULL AFTER `subject_i18n`,
    ADD COLUMN IF NOT EXISTS `action_label` VARCHAR(190) NULL AFTER `body_i18n`,
    ADD COLUMN IF NOT EXISTS `action_url` TEXT NULL AFTER `action_label`,
    ADD COLUMN IF NOT EXISTS `action_label_i18n` MEDIUMTEXT NULL AFTER `action_url`;

ALTER TABLE `{prefix}bkntc_campaign_templates`
    ADD COLUMN IF NOT EXISTS `subject_i18n` MEDIUMTEXT NULL AFTER `body`,
    ADD COLUMN IF NOT EXISTS `body_i18n` MEDIUMTEXT NULL AFTER `subject_i18n`,
    ADD COLUMN IF NOT EXISTS `action_label` VARCHAR(190) NULL AFTER `body_i18n`,
    ADD COLUMN IF NOT EXISTS `action_url` TEXT NULL AFTER `action_label`,
    ADD COLUMN IF NOT EXISTS `action_label_i18n` MEDIUMTEXT NULL AFTER `action_url`;

ALTER TABLE `{prefix}bkntc_campaign_logs`
    ADD COLUMN IF NOT EXISTS `locale` VARCHAR(16) NULL AFTER `last_name`;
