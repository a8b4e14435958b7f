<?php
/**
 * Installs a throwaway WordPress (Debian's package, copied to a temporary folder) into the test
 * MariaDB, activates the bridge plugin and points it at the sidecar with SECRET (the test then
 * types the real one into the settings page). Booknetic's roles are added as Booknetic adds them,
 * with a staff user and a customer who may also read the dashboard (as a shop account may).
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
add_role('booknetic_customer', 'Booknetic Customers', array('read' => false));
add_role('booknetic_staff', 'Booknetic Staff', array('read' => true));
foreach (array('customer' => 'booknetic_customer', 'staff' => 'booknetic_staff') as $login => $role) {
    $id = wp_insert_user(array('user_login' => $login, 'user_pass' => $login . '-password-123', 'user_email' => $login . '@example.com', 'role' => $role));
    if (is_wp_error($id)) {
        fwrite(STDERR, "user $login: " . $id->get_error_message() . "\n");
        exit(1);
    }
    if ($login === 'customer') {
        (new WP_User($id))->add_role('subscriber');  // after booknetic_customer, so its `read` wins
    }
}
echo 'WordPress ' . get_bloginfo('version') . ' installed, admin user ' . $installed['user_id'] . ", bridge active\n";
