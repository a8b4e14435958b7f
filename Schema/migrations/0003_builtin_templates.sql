-- The 4 built-in templates per channel: read-only, shared by all tenants (tenant_id NULL).
-- INSERT IGNORE on (builtin_key, channel) keeps re-runs and upgrades from duplicating them.

INSERT IGNORE INTO `{prefix}bkntc_campaign_templates`
    (`tenant_id`, `tenant_key`, `channel`, `name`, `subject`, `body`, `is_builtin`, `builtin_key`, `created_at`, `updated_at`)
VALUES
    (NULL, 0, 'sms', 'Re-engagement (90 days)', NULL, 'Hi {customer_first_name}, we miss you! It has been a while since your last visit. Book your next appointment today and treat yourself. Reply STOP to opt out.', 1, 'reengagement_90_days', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'sms', 'Loyal customer offer', NULL, 'Hi {customer_first_name}, thank you for being one of our most loyal customers! Enjoy 15% off your next appointment. Reply STOP to opt out.', 1, 'loyal_customer_offer', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'sms', 'General announcement', NULL, 'Hi {customer_first_name}, we have news to share with you: ... Reply STOP to opt out.', 1, 'general_announcement', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'sms', 'Seasonal campaign', NULL, 'Hi {customer_first_name}, our seasonal offers are here! Book now to get your favourite time slot. Reply STOP to opt out.', 1, 'seasonal_campaign', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'whatsapp', 'Re-engagement (90 days)', NULL, 'Hi {customer_first_name}, we miss you! It has been a while since your last visit. Book your next appointment today and treat yourself.', 1, 'reengagement_90_days', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'whatsapp', 'Loyal customer offer', NULL, 'Hi {customer_first_name}, thank you for being one of our most loyal customers! Enjoy 15% off your next appointment.', 1, 'loyal_customer_offer', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'whatsapp', 'General announcement', NULL, 'Hi {customer_first_name}, we have news to share with you: ...', 1, 'general_announcement', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'whatsapp', 'Seasonal campaign', NULL, 'Hi {customer_first_name}, our seasonal offers are here! Book now to get your favourite time slot.', 1, 'seasonal_campaign', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'email', 'Re-engagement (90 days)', 'We miss you, {customer_first_name}!', '<p>Hi {customer_first_name},</p><p>We miss you! It has been a while since your last visit. Book your next appointment today and treat yourself.</p>', 1, 'reengagement_90_days', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'email', 'Loyal customer offer', 'A thank-you offer for you, {customer_first_name}', '<p>Hi {customer_first_name},</p><p>Thank you for being one of our most loyal customers! Enjoy 15% off your next appointment.</p>', 1, 'loyal_customer_offer', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'email', 'General announcement', 'News from us', '<p>Hi {customer_first_name},</p><p>We have news to share with you: ...</p>', 1, 'general_announcement', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'email', 'Seasonal campaign', 'Our seasonal offers are here, {customer_first_name}', '<p>Hi {customer_first_name},</p><p>Our seasonal offers are here! Book now to get your favourite time slot.</p>', 1, 'seasonal_campaign', UTC_TIMESTAMP(), UTC_TIMESTAMP());
