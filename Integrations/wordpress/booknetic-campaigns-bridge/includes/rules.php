<?php
/**
 * The bridge's rules of DESIGN §13 ("Bridge and UI") as plain functions: who may get a launch
 * token, which service URLs may be used, what is stored as the secret. No WordPress calls here,
 * so phpunit checks them on their own; the plugin wires them to WordPress.
 */

if (!function_exists('bkntc_campaigns_staff_roles')) {
    /**
     * Booknetic's roles for the people who run the business: `booknetic_staff` (Booknetic and
     * Booknetic SaaS) and `booknetic_saas_tenant` (a SaaS tenant's owner). Booknetic's third
     * role, `booknetic_customer`, is the people who book: they never open Campaigns.
     */
    function bkntc_campaigns_staff_roles()
    {
        return array('booknetic_staff', 'booknetic_saas_tenant');
    }

    /**
     * Whether a user may get a launch token: administrators and Booknetic staff always; a
     * Booknetic customer never, whatever a filter says; anyone else only when `$filter` (the
     * `bkntc_campaigns_may_see` filter, asked only then) returns true.
     */
    function bkntc_campaigns_may_see(array $roles, $is_administrator, callable $filter)
    {
        if ($is_administrator || array_intersect(bkntc_campaigns_staff_roles(), $roles)) {
            return true;
        }
        if (in_array('booknetic_customer', $roles, true)) {
            return false;
        }
        return (bool) $filter();
    }

    /** 127.0.0.0/8, ::1 (in brackets, any spelling) or `localhost`. */
    function bkntc_campaigns_is_loopback_host($host)
    {
        $host = strtolower((string) $host);
        if ($host === 'localhost') {
            return true;
        }
        if (strlen($host) > 2 && $host[0] === '[' && substr($host, -1) === ']') {
            $address = substr($host, 1, -1);
            return filter_var($address, FILTER_VALIDATE_IP, FILTER_FLAG_IPV6) !== false && inet_pton($address) === inet_pton('::1');
        }
        return filter_var($host, FILTER_VALIDATE_IP, FILTER_FLAG_IPV4) !== false && strpos($host, '127.') === 0;
    }

    /**
     * Null when the service URL may be used, else what is wrong with it: it must be
     * `https://host[:port][/path]`, or `http://` to this machine only (the launch token and
     * the signatures would otherwise cross the network in the clear). No user, query or
     * fragment, so no parser can read another host out of it.
     */
    function bkntc_campaigns_url_problem($url)
    {
        $shape = '#^(https?)://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?(/[a-z0-9._~!$&\'()*+,;=:/%-]*)?$#iD';
        if (preg_match($shape, (string) $url, $parts) !== 1) {
            return 'The service URL must look like https://campaigns.example.com (no user name, query or fragment).';
        }
        if (strtolower($parts[1]) === 'https' || bkntc_campaigns_is_loopback_host($parts[2])) {
            return null;
        }
        return 'The service URL must start with https:// (plain http:// is allowed only to this machine: 127.0.0.1, ::1 or localhost).';
    }

    /**
     * The secret to store for what was entered in the settings field: exactly that (WordPress'
     * slashes already removed); an empty field keeps the stored secret.
     */
    function bkntc_campaigns_secret_to_store($entered, $stored)
    {
        $entered = is_string($entered) ? $entered : '';
        return $entered === '' ? (string) $stored : $entered;
    }
}
