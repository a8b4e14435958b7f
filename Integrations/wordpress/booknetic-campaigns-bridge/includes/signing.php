<?php
/**
 * Request signing and launch tokens shared with the sidecar (DESIGN §7). No WordPress calls
 * here, so the functions are tested on their own against the vectors the Swift tests use.
 */

if (!function_exists('bkntc_campaigns_signature')) {
    /**
     * Lowercase hex HMAC-SHA256 over "timestamp\nMETHOD\npath?query\ntenant\nuser\nhex(sha256(body))".
     */
    function bkntc_campaigns_signature($secret, $timestamp, $method, $path_and_query, $tenant, $user, $body)
    {
        $canonical = implode("\n", array(
            (string) $timestamp,
            strtoupper((string) $method),
            (string) $path_and_query,
            (string) $tenant,
            (string) $user,
            hash('sha256', (string) $body),
        ));
        return hash_hmac('sha256', $canonical, (string) $secret);
    }

    /** The headers of a signed request. */
    function bkntc_campaigns_signed_headers($secret, $method, $path_and_query, $tenant, $user, $body, $timestamp = null)
    {
        $timestamp = $timestamp === null ? time() : (int) $timestamp;
        return array(
            'X-Bkntc-Timestamp' => (string) $timestamp,
            'X-Bkntc-Tenant' => (string) $tenant,
            'X-Bkntc-User' => (string) $user,
            'X-Bkntc-Signature' => bkntc_campaigns_signature($secret, $timestamp, $method, $path_and_query, $tenant, $user, $body),
        );
    }

    function bkntc_campaigns_base64url($data)
    {
        return rtrim(strtr(base64_encode($data), '+/', '-_'), '=');
    }

    /**
     * A launch token: base64url(json) "." base64url(HMAC-SHA256(secret, base64url(json))),
     * living at most 120 s, with a random nonce (single use on the sidecar).
     */
    function bkntc_campaigns_launch_token($secret, $user, $tenant, $now = null, $nonce = null, $lifetime = 120)
    {
        $now = $now === null ? time() : (int) $now;
        if ($nonce === null) {
            $nonce = bkntc_campaigns_base64url(random_bytes(12));
        }
        $payload = array(
            'user' => (int) $user,
            'tenant' => ($tenant === null || $tenant === '') ? null : (int) $tenant,
            'iat' => $now,
            'exp' => $now + min(120, (int) $lifetime),
            'nonce' => (string) $nonce,
        );
        $part = bkntc_campaigns_base64url(json_encode($payload, JSON_UNESCAPED_SLASHES));
        return $part . '.' . bkntc_campaigns_base64url(hash_hmac('sha256', $part, (string) $secret, true));
    }
}
