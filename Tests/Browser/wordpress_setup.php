<?php
/**
 * Installs a throwaway WordPress (Debian's package, copied to a temporary folder) into the test
 * MariaDB, activates the bridge plugin and points it at the sidecar.
 * Usage: php wordpress_setup.php WP_DIR SITE_URL SIDECAR_URL SECRET
 */
[$script, $dir, $site, $sidecar, $secret] = $argv;
$_SERVER['HTTP_HOST'] = parse_url($site, PHP_URL_HOST) . ':' . parse_url($site, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require $dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
add_filter('pre_wp_mail', '__return_false');  // no mail server here
$installed = wp_install('Demo Salon', 'admin', 'admin@example.com', false, '', 'admin-password-123');
update_option('siteurl', $site);
update_option('home', $site);
$result = activate_plugin('booknetic-campaigns-bridge/booknetic-campaigns-bridge.php');
if (is_wp_error($result)) {
    fwrite(STDERR, 'activation failed: ' . $result->get_error_message() . "\n");
    exit(1);
}
update_option('bkntc_campaigns_url', $sidecar);
update_option('bkntc_campaigns_secret', $secret);
echo 'WordPress ' . get_bloginfo('version') . ' installed, admin user ' . $installed['user_id'] . ", bridge active\n";
