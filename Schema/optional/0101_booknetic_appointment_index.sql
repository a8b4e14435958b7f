-- Opt-in (`bkntc-campaigns migrate --booknetic-indexes`): an index on Booknetic's appointments
-- table that lets segment queries read one customer's appointments without scanning the table.
-- Booknetic does not create it; adding it is safe (read-only for Booknetic's own queries).
CREATE INDEX IF NOT EXISTS `bkntc_campaigns_customer_idx`
    ON `{prefix}bkntc_appointments` (`tenant_id`, `customer_id`, `status`, `starts_at`);
