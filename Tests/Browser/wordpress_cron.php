<?php
/** Fires Booknetic's cron action in the test WordPress. Usage: php wordpress_cron.php WP_DIR SITE_URL */
[$script, $dir, $site] = $argv;
$_SERVER['HTTP_HOST'] = parse_url($site, PHP_URL_HOST) . ':' . parse_url($site, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $dir . '/wp-load.php';
$started = microtime(true);
do_action('bkntc_cronjob');
printf("bkntc_cronjob ran in %.0f ms\n", (microtime(true) - $started) * 1000);
