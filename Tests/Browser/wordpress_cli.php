<?php
/**
 * Runs one step in the test WordPress from the command line.
 * Usage: php wordpress_cli.php WP_DIR SITE_URL cron            fires Booknetic's cron action
 *        php wordpress_cli.php WP_DIR SITE_URL get NAME        prints an option as JSON
 *        php wordpress_cli.php WP_DIR SITE_URL set NAME VALUE  stores an option around the
 *            plugin's settings page (as an older version of the plugin may have stored it)
 */
[$script, $dir, $site] = $argv;
$_SERVER['HTTP_HOST'] = parse_url($site, PHP_URL_HOST) . ':' . parse_url($site, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $dir . '/wp-load.php';
$step = $argv[3];  // read after WordPress loads: it uses a global $action of its own
if ($step === 'cron') {
    $started = microtime(true);
    do_action('bkntc_cronjob');
    printf("bkntc_cronjob ran in %.0f ms\n", (microtime(true) - $started) * 1000);
    exit(0);
}
if ($step === 'set') {
    update_option($argv[4], $argv[5]);
}
echo json_encode(get_option($argv[4])), "\n";
