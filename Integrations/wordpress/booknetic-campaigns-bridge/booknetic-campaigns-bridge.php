<?php
/**
 * Plugin Name: Booknetic Campaigns Bridge
 * Description: Connects Booknetic to the Booknetic Campaigns service: wakes it from Booknetic's cron and embeds its admin UI under the Booknetic menu.
 * Version: 0.1.0
 * Requires at least: 5.8
 * Requires PHP: 7.4
 * License: GPLv2 or later
 * Text Domain: booknetic-campaigns-bridge
 */

if (!defined('ABSPATH')) {
    exit;
}

require_once __DIR__ . '/includes/signing.php';
require_once __DIR__ . '/includes/rules.php';

final class Bkntc_Campaigns_Bridge
{
    const OPTION_URL = 'bkntc_campaigns_url';
    const OPTION_SECRET = 'bkntc_campaigns_secret';
    const CRON_TIMEOUT = 3;

    public static function boot()
    {
        add_action('bkntc_cronjob', array(__CLASS__, 'tick'));
        add_action('admin_menu', array(__CLASS__, 'menus'), 100);
        add_action('admin_init', array(__CLASS__, 'register_settings'));
        add_action('wp_ajax_bkntc_campaigns_test', array(__CLASS__, 'test_connection'));
    }

    public static function url()
    {
        return rtrim((string) get_option(self::OPTION_URL, ''), '/');
    }

    public static function secret()
    {
        return (string) get_option(self::OPTION_SECRET, '');
    }

    /**
     * The service URL when it may be used (https, or http to this machine), else ''. A URL
     * stored before the rule existed, or written around the settings page, is refused here.
     */
    public static function service_url()
    {
        $url = self::url();
        return $url !== '' && bkntc_campaigns_url_problem($url) === null ? $url : '';
    }

    /** The Booknetic tenant of the current request (SaaS), or '' on a single site. */
    public static function tenant()
    {
        if (class_exists('\BookneticApp\Providers\Core\Permission') && method_exists('\BookneticApp\Providers\Core\Permission', 'tenantId')) {
            $tenant = \BookneticApp\Providers\Core\Permission::tenantId();
            return $tenant ? (string) (int) $tenant : '';
        }
        return '';
    }

    /** Booknetic's cron fired: one signed tick, short timeout; failures go to the PHP log. */
    public static function tick()
    {
        $url = self::service_url();
        $secret = self::secret();
        if (self::url() !== '' && $url === '') {
            error_log('Booknetic Campaigns: no cron tick: ' . bkntc_campaigns_url_problem(self::url()));
        }
        if ($url === '' || $secret === '') {
            return;
        }
        $path = '/api/v1/cron/tick';
        $body = '';
        $response = wp_remote_post($url . $path, array(
            'timeout' => self::CRON_TIMEOUT,
            'redirection' => 0,
            'headers' => bkntc_campaigns_signed_headers($secret, 'POST', $path, '', '', $body),
            'body' => $body,
        ));
        if (is_wp_error($response)) {
            error_log('Booknetic Campaigns: the cron tick failed: ' . $response->get_error_message());
        } elseif (wp_remote_retrieve_response_code($response) !== 200) {
            error_log('Booknetic Campaigns: the cron tick answered HTTP ' . wp_remote_retrieve_response_code($response));
        }
    }

    public static function menus()
    {
        // Under Booknetic's menu when it is there, else under Tools.
        $parent = isset($GLOBALS['admin_page_hooks']['booknetic']) ? 'booknetic' : 'tools.php';
        if (self::may_see_campaigns()) {
            add_submenu_page($parent, 'Campaigns', 'Campaigns', 'read', 'bkntc-campaigns', array(__CLASS__, 'page'));
        }
        add_options_page('Booknetic Campaigns', 'Booknetic Campaigns', 'manage_options', 'bkntc-campaigns-settings', array(__CLASS__, 'settings_page'));
    }

    /**
     * Administrators and Booknetic's staff roles (staff, SaaS tenant owners) see the page and
     * get launch tokens; Booknetic customers never do; anyone else only when the
     * `bkntc_campaigns_may_see` filter says so. What they may do there is decided by the
     * service from Booknetic's permissions.
     */
    public static function may_see_campaigns()
    {
        $user = wp_get_current_user();
        if (!$user || !$user->exists()) {
            return false;
        }
        return bkntc_campaigns_may_see((array) $user->roles, user_can($user, 'manage_options'), function () use ($user) {
            return apply_filters('bkntc_campaigns_may_see', false, $user);
        });
    }

    /** The embedded admin UI: a fresh launch token for this user and tenant on every load. */
    public static function page()
    {
        if (!self::may_see_campaigns()) {
            wp_die('You may not see campaigns.', 403);
        }
        $url = self::service_url();
        $secret = self::secret();
        if ($url === '' || $secret === '') {
            $problem = self::url() === '' ? null : bkntc_campaigns_url_problem(self::url());
            echo '<div class="wrap"><h1>Campaigns</h1><p id="bkntc-campaigns-unavailable">';
            if ($problem !== null) {
                echo esc_html($problem) . ' ';
            }
            echo current_user_can('manage_options')
                ? 'Set the service URL and secret in <a href="' . esc_url(admin_url('options-general.php?page=bkntc-campaigns-settings')) . '">Settings → Booknetic Campaigns</a>.'
                : 'Campaigns are not set up yet. Ask your administrator.';
            echo '</p></div>';
            return;
        }
        $token = bkntc_campaigns_launch_token($secret, get_current_user_id(), self::tenant());
        $src = $url . '/admin/#launch=' . rawurlencode($token);
        echo '<div class="wrap" style="margin:0;padding:0">';
        echo '<iframe id="bkntc-campaigns-frame" title="Campaigns" src="' . esc_url($src) . '" style="width:100%;height:calc(100vh - 80px);border:0;display:block"></iframe>';
        echo '</div>';
    }

    public static function register_settings()
    {
        register_setting('bkntc_campaigns', self::OPTION_URL, array('type' => 'string', 'sanitize_callback' => array(__CLASS__, 'sanitize_url')));
        register_setting('bkntc_campaigns', self::OPTION_SECRET, array('type' => 'string', 'sanitize_callback' => array(__CLASS__, 'sanitize_secret')));
    }

    /** A URL that may not be used is a settings error and keeps the stored one. */
    public static function sanitize_url($value)
    {
        $value = rtrim(trim(is_string($value) ? $value : ''), '/');
        $problem = $value === '' ? null : bkntc_campaigns_url_problem($value);
        if ($problem === null) {
            return $value;
        }
        self::settings_message(self::OPTION_URL, 'bkntc_campaigns_url_refused', $problem, 'error');
        return self::url();
    }

    /**
     * The secret is stored exactly as entered, never shown again: an empty field on save keeps
     * the stored one.
     */
    public static function sanitize_secret($value)
    {
        // options.php trims what was posted (after checking its nonce): take the field as it was
        // entered, only without WordPress' slashes.
        // phpcs:ignore WordPress.Security.NonceVerification.Missing
        if (isset($_POST['option_page'], $_POST[self::OPTION_SECRET]) && $_POST['option_page'] === 'bkntc_campaigns') {
            $value = wp_unslash($_POST[self::OPTION_SECRET]);
        }
        $value = bkntc_campaigns_secret_to_store($value, self::secret());
        if ($value !== trim($value)) {
            self::settings_message(self::OPTION_SECRET, 'bkntc_campaigns_secret_spaces',
                'The secret was stored as entered, with the spaces at its start or end. The service ignores spaces around BKNTC_SECRET, so the two will only match without them.',
                'warning');
        }
        return $value;
    }

    /** add_settings_error() once: WordPress runs a new option's sanitizer twice. */
    private static function settings_message($setting, $code, $message, $type)
    {
        foreach (get_settings_errors($setting) as $existing) {
            if ($existing['code'] === $code) {
                return;
            }
        }
        add_settings_error($setting, $code, $message, $type);
    }

    public static function settings_page()
    {
        if (!current_user_can('manage_options')) {
            return;
        }
        $nonce = wp_create_nonce('bkntc_campaigns_test');
        echo '<div class="wrap"><h1>Booknetic Campaigns</h1><form method="post" action="options.php">';
        settings_fields('bkntc_campaigns');
        echo '<table class="form-table"><tr><th><label for="bkntc-url">Service URL</label></th><td>';
        echo '<input id="bkntc-url" class="regular-text" name="' . esc_attr(self::OPTION_URL) . '" value="' . esc_attr(self::url()) . '" placeholder="https://campaigns.example.com">';
        echo '</td></tr><tr><th><label for="bkntc-secret">Shared secret</label></th><td>';
        $placeholder = self::secret() === '' ? '' : 'stored (leave empty to keep it)';
        echo '<input id="bkntc-secret" type="password" class="regular-text" name="' . esc_attr(self::OPTION_SECRET) . '" value="" placeholder="' . esc_attr($placeholder) . '" autocomplete="new-password">';
        echo '<p class="description">The service\'s BKNTC_SECRET. It is stored, never shown again.</p></td></tr></table>';
        submit_button();
        echo '</form><p><button type="button" class="button" id="bkntc-test" data-nonce="' . esc_attr($nonce) . '">Test connection</button> <span id="bkntc-test-result"></span></p>';
        echo '<script>document.getElementById("bkntc-test").addEventListener("click",function(){var r=document.getElementById("bkntc-test-result");r.textContent="…";'
            . 'fetch(ajaxurl+"?action=bkntc_campaigns_test&_wpnonce="+this.dataset.nonce,{credentials:"same-origin"}).then(function(x){return x.json()}).then(function(j){r.textContent=j.data||"";})'
            . '.catch(function(e){r.textContent=String(e);});});</script></div>';
    }

    /** "Test connection": GET /ready and show its answer. */
    public static function test_connection()
    {
        if (!current_user_can('manage_options') || !check_ajax_referer('bkntc_campaigns_test', '_wpnonce', false)) {
            wp_send_json_error('not allowed', 403);
        }
        $url = self::service_url();
        if (self::url() === '') {
            wp_send_json_error('Set the service URL first.');
        }
        if ($url === '') {
            wp_send_json_error(bkntc_campaigns_url_problem(self::url()));
        }
        $response = wp_remote_get($url . '/ready', array('timeout' => 5, 'redirection' => 0));
        if (is_wp_error($response)) {
            wp_send_json_error('Cannot reach the service: ' . $response->get_error_message());
        }
        $code = wp_remote_retrieve_response_code($response);
        $body = json_decode(wp_remote_retrieve_body($response), true);
        $detail = is_array($body) && isset($body['detail']) ? $body['detail'] : wp_remote_retrieve_body($response);
        if ($code === 200) {
            wp_send_json_success('Connected: ' . $detail);
        }
        wp_send_json_error('The service answered HTTP ' . $code . ': ' . $detail);
    }
}

Bkntc_Campaigns_Bridge::boot();
