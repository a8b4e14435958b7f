-- The built-in "Time to book again" template per channel (DESIGN §19's rebook_due automation):
-- read-only, shared by all tenants. INSERT IGNORE on (builtin_key, channel) keeps re-runs quiet.

INSERT IGNORE INTO `{prefix}bkntc_campaign_templates`
    (`tenant_id`, `tenant_key`, `channel`, `name`, `subject`, `body`, `is_builtin`, `builtin_key`, `created_at`, `updated_at`)
VALUES
    (NULL, 0, 'sms', 'Time to book again', NULL, 'Hi {customer_first_name}, it is about that time again! Your usual visit is due, so book your next appointment now and get the slot you like. Reply STOP to opt out.', 1, 'time_to_book_again', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'whatsapp', 'Time to book again', NULL, 'Hi {customer_first_name}, it is about that time again! Your usual visit is due, so book your next appointment now and get the slot you like.', 1, 'time_to_book_again', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
    (NULL, 0, 'email', 'Time to book again', 'Time for your next visit, {customer_first_name}?', '<p>Hi {customer_first_name},</p><p>It is about that time again: going by your usual visits, your next appointment is due. Book now to get the day and time that suit you best.</p><p>See you soon!</p>', 1, 'time_to_book_again', UTC_TIMESTAMP(), UTC_TIMESTAMP());
